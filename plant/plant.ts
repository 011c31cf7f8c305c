import type { AssetCatalogue } from '../lib/catalogue/catalogue-model';
import { COMMAND_HELP, parseCommand, type PlantCommand } from './commands';
import { FaultTable } from './faults';
import { DEFAULT_MACHINE_MIX, plantCatalogue, plantMachines, type MachineCount, type PlantMachine } from './machine-mix';
import { startModbusServer, type ModbusPlantServer } from './modbus-server';
import { startOpcuaServer, type OpcuaPlantServer, type OpcuaSecurity } from './opcua-server';
import type { MachineModel } from './physics/machine';
import { PumpModel } from './physics/pump';
import { Random } from '../lib/math/random';
import { SpindleModel } from './physics/spindle';
import { accelerationBlock } from './physics/waveform';

export interface PlantOptions {
  host: string;
  /** 0 picks a free port. */
  opcuaPort: number;
  modbusPort: number;
  /** Bearing wear runs this many times faster than the wall clock (1440: a day of wear per minute). */
  speedup: number;
  seed: number;
  ambientC: number;
  /** The machines (see machine-mix.ts); the default is today's spindle-1 and pump-1. */
  machines: readonly MachineCount[];
  /** Scalar sensors per machine, padded with auxiliary channels (0: the machine type's own). */
  sensorsPerMachine: number;
  /** Accelerometer sample rate (Hz); the presets' 12.8 kHz when absent. */
  waveformRate?: number;
  /**
   * Initial bearing wear per asset id (0 new .. 1 failed). Machines not named start new if they are the first of
   * their type, else at a wear drawn from the seed, so a fleet does not fail all at once.
   */
  initialWear: Record<string, number>;
  /**
   * Bearing life per asset id as a share of the machine type's nominal life (see MachineOptions.lifeFactor). Machines
   * not named: 1 for the first of their type, else a share drawn from the seed (LIFE_SHARE_RANGE).
   */
  lifeFactor: Record<string, number>;
  /**
   * Speed program each asset runs from the start, as shares of its nominal speed; any setpoint write ends it.
   * Absent: every spindle runs SPINDLE_START_PROGRAM.
   */
  startProgram?: Record<string, ProgramStep[]>;
  tickMs: number;
  publishMs: number;
  /** Samples per accelerometer block, one block per machine and publish. */
  waveformLength: number;
  /** OPC UA Sign & Encrypt with users; absent: security None, anonymous (a demo PLC on loopback). */
  opcuaSecurity?: OpcuaSecurity;
}

export interface ProgramStep {
  speedRatio: number;
  minutes: number;
  /** false: the machine turns without making parts (a warm-up). */
  cutting: boolean;
}

/**
 * The spindle's start-of-shift warm-up, as machining centres run one: 85, 100 and 115 % of its nominal speed, five
 * minutes each, without cutting, then production at nominal speed. The twin sees how heat, power and vibration grow
 * with speed, which what-if scenarios need; without cutting load the bearing hardly wears meanwhile.
 */
export const SPINDLE_START_PROGRAM: ProgramStep[] = [0.85, 1, 1.15].map((speedRatio) => ({ speedRatio, minutes: 5, cutting: false }));

/**
 * The simulated site's spindle wears out in 70 % of the nominal life of its type (coolant reaches its bearing): a
 * model trained on the fleet is optimistic about it until it has learned from this site's confirmed failures.
 */
export const SITE_SPINDLE_LIFE_FACTOR = 0.7;

export const DEFAULT_PLANT_OPTIONS: PlantOptions = {
  host: '127.0.0.1', opcuaPort: 4840, modbusPort: 5020, speedup: 1440, seed: 1, ambientC: 22,
  machines: DEFAULT_MACHINE_MIX, sensorsPerMachine: 0,
  initialWear: {}, lifeFactor: { 'spindle-1': SITE_SPINDLE_LIFE_FACTOR },
  tickMs: 100, publishMs: 1000, waveformLength: 4096,
};

/** Wear and bearing life share of machines after the first of their type, drawn uniformly from the seed. */
export const INITIAL_WEAR_RANGE = [0, 0.6] as const;
export const LIFE_SHARE_RANGE = [0.6, 1.3] as const;

export interface PlantSnapshot {
  asset: string;
  state: string;
  wear: number;
  remainingLifeH: number;
  published: Record<string, number>;
}

function createMachine(machine: PlantMachine, index: number, options: PlantOptions): MachineModel {
  const { asset } = machine;
  const first = machine.number === 1;
  const draw = new Random(options.seed * 7919 + index);
  const within = ([low, high]: readonly [number, number]): number => low + (high - low) * draw.next();
  const initialWear = options.initialWear[asset.id] ?? (first ? 0 : within(INITIAL_WEAR_RANGE));
  const lifeFactor = options.lifeFactor[asset.id] ?? (first ? 1 : within(LIFE_SHARE_RANGE));
  const machineOptions = { ambientC: options.ambientC, initialWear, lifeFactor };
  if (machine.type === 'pump') return new PumpModel(asset, machineOptions);
  return new SpindleModel(asset, machineOptions);
}

/**
 * The simulated plant: machines stepped on a timer, their (possibly faulty) transmitter values published
 * through a real OPC UA server and a real Modbus TCP server, and a command interface for fault injection.
 */
export class Plant {
  readonly options: PlantOptions;
  readonly machines = new Map<string, MachineModel>();
  /** Every machine with its tag map, site, line and cell: what the servers serve and the catalogue file holds. */
  readonly catalogue: AssetCatalogue;
  private readonly layout: readonly PlantMachine[];
  /** Machines whose PLC does not answer (`fault <asset> offline`). */
  private readonly offline = new Set<string>();
  private readonly faults = new FaultTable();
  private readonly random: Random;
  private readonly published = new Map<string, Record<string, number>>();
  private opcua: OpcuaPlantServer | undefined;
  private modbus: ModbusPlantServer | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private publishTimer: NodeJS.Timeout | undefined;
  private outageTimer: NodeJS.Timeout | undefined;
  private readonly programTimers = new Map<string, NodeJS.Timeout[]>();
  private lastTick = Date.now();
  opcuaEndpoint = '';
  opcuaPort = 0;
  modbusPort = 0;

  constructor(options: Partial<PlantOptions> = {}) {
    this.options = { ...DEFAULT_PLANT_OPTIONS, ...options };
    this.random = new Random(this.options.seed);
    this.layout = plantMachines(this.options.machines, { sensorsPerMachine: this.options.sensorsPerMachine, waveformRate: this.options.waveformRate });
    this.catalogue = plantCatalogue(this.layout);
    this.layout.forEach((machine, index) => this.machines.set(machine.asset.id, createMachine(machine, index, this.options)));
  }

  /** The speed program of each asset: the one given, else the warm-up for every spindle. */
  private startPrograms(): Record<string, ProgramStep[]> {
    if (this.options.startProgram) return this.options.startProgram;
    return Object.fromEntries(this.layout.filter((m) => m.type === 'spindle').map((m) => [m.asset.id, SPINDLE_START_PROGRAM]));
  }

  async start(): Promise<void> {
    await this.startServers(this.options.opcuaPort, this.options.modbusPort);
    this.lastTick = Date.now();
    this.tickTimer = setInterval(() => this.tick(), this.options.tickMs);
    this.publishTimer = setInterval(() => this.publish(), this.options.publishMs);
    for (const [asset, steps] of Object.entries(this.startPrograms())) this.runProgram(asset, steps);
    this.publish();
  }

  /** Steps an asset through its program, then to production at nominal speed; a setpoint written meanwhile ends it. */
  private runProgram(asset: string, steps: ProgramStep[]): void {
    const machine = this.machine(asset);
    const nominal = machine.asset.ratings.nominalRpm ?? 0;
    const apply = (step: Omit<ProgramStep, 'minutes'>): void => {
      machine.setSpeedSetpoint(Math.round(nominal * step.speedRatio));
      machine.setCutting?.(step.cutting);
    };
    const timers: NodeJS.Timeout[] = [];
    let at = 0;
    steps.forEach((step, i) => {
      if (i === 0) apply(step);
      else timers.push(setTimeout(() => apply(step), at));
      at += step.minutes * 60_000;
    });
    if (steps.length > 0) timers.push(setTimeout(() => apply({ speedRatio: 1, cutting: true }), at));
    for (const timer of timers) timer.unref();
    this.programTimers.set(asset, timers);
  }

  private endProgram(asset: string): void {
    const timers = this.programTimers.get(asset);
    if (!timers) return;
    for (const timer of timers) clearTimeout(timer);
    this.programTimers.delete(asset);
    this.machine(asset).setCutting?.(true);
  }

  private async startServers(opcuaPort: number, modbusPort: number): Promise<void> {
    const assets = this.catalogue.assets;
    this.opcua = await startOpcuaServer(this.options.host, opcuaPort, assets, {
      readWritable: (asset) => this.machine(asset).values().speedSetpoint ?? 0,
      write: (asset, _sensor, value) => this.applySetpoint(asset, value),
      control: (text) => this.command(text),
    }, this.options.opcuaSecurity);
    this.modbus = await startModbusServer(this.options.host, modbusPort, assets,
      (asset, _sensor, value) => { this.applySetpoint(asset, value); });
    for (const asset of this.offline) this.setOffline(asset, true);
    this.opcuaEndpoint = this.opcua.endpoint;
    this.opcuaPort = this.opcua.port;
    this.modbusPort = this.modbus.port;
  }

  private async stopServers(): Promise<void> {
    await Promise.all([this.opcua?.stop(), this.modbus?.stop()]);
    this.opcua = undefined;
    this.modbus = undefined;
  }

  private tick(): void {
    const now = Date.now();
    const dtS = Math.min(5, (now - this.lastTick) / 1000);
    this.lastTick = now;
    const wearHours = (dtS * this.options.speedup) / 3600;
    for (const machine of this.machines.values()) machine.step(dtS, wearHours, this.random);
  }

  private publish(): void {
    const now = Date.now();
    const timestamp = new Date(now);
    for (const { asset, auxiliary } of this.layout) {
      const id = asset.id;
      const machine = this.machine(id);
      if (this.offline.has(id)) continue;
      const values: Record<string, number> = {};
      const own = machine.values();
      const source = machine.vibrationSource();
      const input = { ambientC: this.options.ambientC, speedRatio: source.rpm / (asset.ratings.nominalRpm ?? 1), bearingC: own.bearingTemp, vibration: own.vibration, motorCurrent: own.motorCurrent };
      const trueValues = { ...own, ...Object.fromEntries(auxiliary.map((channel) => [channel.id, channel.value(input, this.random)])) };
      for (const [sensor, trueValue] of Object.entries(trueValues)) {
        const value = this.faults.apply(id, sensor, trueValue, now, this.random);
        values[sensor] = value;
        this.opcua?.publish(id, sensor, value, timestamp);
        this.modbus?.publish(id, sensor, value);
      }
      this.published.set(id, values);
      const waveformSensor = machine.asset.sensors.find((s) => s.kind === 'waveform');
      if (waveformSensor && this.opcua) {
        const block = accelerationBlock(source, machine.asset.bearing, waveformSensor.sampleRate ?? 12800, this.options.waveformLength, this.random);
        this.opcua.publish(id, waveformSensor.id, block, timestamp);
      }
    }
  }

  private machine(asset: string): MachineModel {
    const machine = this.machines.get(asset);
    if (!machine) throw new Error(`unknown asset "${asset}" (known: ${[...this.machines.keys()].join(', ')})`);
    return machine;
  }

  private applySetpoint(asset: string, rpm: number): boolean {
    const machine = this.machine(asset);
    if (!Number.isFinite(rpm) || rpm < 0 || rpm > (machine.asset.ratings.maxRpm ?? Infinity)) return false;
    this.endProgram(asset);
    machine.setSpeedSetpoint(rpm);
    return true;
  }

  private checkSensor(asset: string, sensor: string): void {
    if (!this.machine(asset).asset.sensors.some((s) => s.id === sensor)) throw new Error(`asset "${asset}" has no sensor "${sensor}"`);
  }

  /** Runs one command line and returns a one-line reply; a bad command gets an error reply, never an exception. */
  command(text: string): string {
    try {
      return this.execute(parseCommand(text));
    } catch (err) {
      return `error: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  private execute(command: PlantCommand): string {
    switch (command.kind) {
      case 'fault':
        this.checkSensor(command.asset, command.sensor);
        this.faults.set(command.asset, command.sensor, command.fault === 'drift'
          ? { kind: 'drift', unitsPerMinute: command.amount, since: Date.now() }
          : command.fault === 'spikes' ? { kind: 'spikes', magnitude: command.amount } : { kind: 'stuck' });
        return `ok: ${command.asset} ${command.sensor} ${command.fault}`;
      case 'network':
        void this.dropNetwork(command.seconds);
        return `ok: PLC unreachable for ${command.seconds} s`;
      case 'offline':
        this.machine(command.asset);
        this.setOffline(command.asset, true);
        return `ok: ${command.asset} does not answer (Modbus unit ${this.unitOf(command.asset)} silent, OPC UA values BadNoCommunication)`;
      case 'clear': {
        this.machine(command.asset);
        const online = !command.sensor && this.offline.has(command.asset);
        if (online) this.setOffline(command.asset, false);
        return `ok: cleared ${this.faults.clear(command.asset, command.sensor) + (online ? 1 : 0)} fault(s)`;
      }
      case 'setpoint':
        if (!this.applySetpoint(command.asset, command.rpm)) throw new Error(`setpoint ${command.rpm} rpm is outside 0..${this.machine(command.asset).asset.ratings.maxRpm}`);
        return `ok: ${command.asset} setpoint ${command.rpm} rpm`;
      case 'wear':
        this.machine(command.asset).setWear(command.wear);
        return `ok: ${command.asset} wear ${command.wear}`;
      case 'run':
        this.machine(command.asset).setRunning(command.running);
        return `ok: ${command.asset} ${command.running ? 'started' : 'stopped'}`;
      case 'repair':
        this.machine(command.asset).repair();
        return `ok: ${command.asset} has a new bearing`;
      case 'status':
        return this.snapshot().map((s) => `${s.asset}${this.offline.has(s.asset) ? ' (offline)' : ''}: ${s.state}, wear ${s.wear.toFixed(3)}, RUL ${s.remainingLifeH.toFixed(0)} h, ` +
          Object.entries(s.published).map(([k, v]) => `${k}=${Number(v.toFixed(2))}`).join(' ')).join('\n') +
          (this.faults.list().length ? `\nfaults: ${this.faults.list().join(', ')}` : '');
      case 'help':
        return COMMAND_HELP;
    }
  }

  private unitOf(asset: string): number | undefined {
    return this.catalogue.assets.find((a) => a.id === asset)?.modbusDevice?.unitId;
  }

  /**
   * A machine's PLC stops answering: its Modbus unit gives no reply (a device that shares the unit falls silent with
   * it, as with one PLC for two machines), its OPC UA values turn BadNoCommunication and stop changing.
   */
  private setOffline(asset: string, offline: boolean): void {
    if (offline) this.offline.add(asset);
    else this.offline.delete(asset);
    const unit = this.unitOf(asset);
    if (unit !== undefined) this.modbus?.setSilent(unit, this.catalogue.assets.some((a) => a.modbusDevice?.unitId === unit && this.offline.has(a.id)));
    this.opcua?.setCommunication(asset, !offline);
  }

  private async dropNetwork(seconds: number): Promise<void> {
    if (this.outageTimer) clearTimeout(this.outageTimer);
    const ports = { opcua: this.opcuaPort, modbus: this.modbusPort };
    await this.stopServers();
    this.outageTimer = setTimeout(() => {
      this.outageTimer = undefined;
      this.startServers(ports.opcua, ports.modbus).catch((err: unknown) => {
        process.stderr.write(`plant: could not reopen the PLC ports after the outage: ${err instanceof Error ? err.message : String(err)}\n`);
      });
    }, seconds * 1000);
  }

  /** OPC UA subscriptions held by clients; 0 while the PLC ports are down. */
  opcuaSubscriptionCount(): number {
    return this.opcua?.subscriptionCount() ?? 0;
  }

  snapshot(): PlantSnapshot[] {
    return [...this.machines.values()].map((m) => ({
      asset: m.asset.id, state: m.state, wear: m.wear, remainingLifeH: m.remainingLifeHours(),
      published: this.published.get(m.asset.id) ?? {},
    }));
  }

  async stop(): Promise<void> {
    clearInterval(this.tickTimer);
    clearInterval(this.publishTimer);
    for (const asset of [...this.programTimers.keys()]) this.endProgram(asset);
    if (this.outageTimer) clearTimeout(this.outageTimer);
    await this.stopServers();
  }
}

export async function startPlant(options: Partial<PlantOptions> = {}): Promise<Plant> {
  const plant = new Plant(options);
  await plant.start();
  return plant;
}
