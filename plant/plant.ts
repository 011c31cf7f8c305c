import type { AssetDefinition } from '../lib/asset/asset-model';
import { PLANT_ASSETS, PLANT_UNIT_ID } from '../lib/asset/presets';
import { COMMAND_HELP, parseCommand, type PlantCommand } from './commands';
import { FaultTable } from './faults';
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
  /** Initial bearing wear per asset id (0 new .. 1 failed). */
  initialWear: Record<string, number>;
  /** Bearing life per asset id as a share of the machine type's nominal life (see MachineOptions.lifeFactor). */
  lifeFactor: Record<string, number>;
  /** Speed program each asset runs from the start, as shares of its nominal speed; any setpoint write ends it. */
  startProgram: Record<string, ProgramStep[]>;
  tickMs: number;
  publishMs: number;
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
  initialWear: {}, lifeFactor: { 'spindle-1': SITE_SPINDLE_LIFE_FACTOR }, startProgram: { 'spindle-1': SPINDLE_START_PROGRAM },
  tickMs: 100, publishMs: 1000, waveformLength: 4096,
};

export interface PlantSnapshot {
  asset: string;
  state: string;
  wear: number;
  remainingLifeH: number;
  published: Record<string, number>;
}

function createMachine(asset: AssetDefinition, options: PlantOptions): MachineModel {
  const machineOptions = { ambientC: options.ambientC, initialWear: options.initialWear[asset.id] ?? 0, lifeFactor: options.lifeFactor[asset.id] ?? 1 };
  if (asset.type === 'centrifugal-pump') return new PumpModel(asset, machineOptions);
  return new SpindleModel(asset, machineOptions);
}

/**
 * The simulated plant: machines stepped on a timer, their (possibly faulty) transmitter values published
 * through a real OPC UA server and a real Modbus TCP server, and a command interface for fault injection.
 */
export class Plant {
  readonly options: PlantOptions;
  readonly machines = new Map<string, MachineModel>();
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
    for (const asset of PLANT_ASSETS) this.machines.set(asset.id, createMachine(asset, this.options));
  }

  async start(): Promise<void> {
    await this.startServers(this.options.opcuaPort, this.options.modbusPort);
    this.lastTick = Date.now();
    this.tickTimer = setInterval(() => this.tick(), this.options.tickMs);
    this.publishTimer = setInterval(() => this.publish(), this.options.publishMs);
    for (const [asset, steps] of Object.entries(this.options.startProgram)) this.runProgram(asset, steps);
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
    const assets = [...this.machines.values()].map((m) => m.asset);
    this.opcua = await startOpcuaServer(this.options.host, opcuaPort, assets, {
      readWritable: (asset) => this.machine(asset).values().speedSetpoint ?? 0,
      write: (asset, _sensor, value) => this.applySetpoint(asset, value),
      control: (text) => this.command(text),
    }, this.options.opcuaSecurity);
    this.modbus = await startModbusServer(this.options.host, modbusPort, PLANT_UNIT_ID, assets,
      (asset, _sensor, value) => { this.applySetpoint(asset, value); });
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
    for (const machine of this.machines.values()) {
      const id = machine.asset.id;
      const values: Record<string, number> = {};
      for (const [sensor, trueValue] of Object.entries(machine.values())) {
        const value = this.faults.apply(id, sensor, trueValue, now, this.random);
        values[sensor] = value;
        this.opcua?.publish(id, sensor, value, timestamp);
        this.modbus?.publish(id, sensor, value);
      }
      this.published.set(id, values);
      const waveformSensor = machine.asset.sensors.find((s) => s.kind === 'waveform');
      if (waveformSensor && this.opcua) {
        const block = accelerationBlock(machine.vibrationSource(), machine.asset.bearing, waveformSensor.sampleRate ?? 12800, this.options.waveformLength, this.random);
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
      case 'clear':
        this.machine(command.asset);
        return `ok: cleared ${this.faults.clear(command.asset, command.sensor)} fault(s)`;
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
        return this.snapshot().map((s) => `${s.asset}: ${s.state}, wear ${s.wear.toFixed(3)}, RUL ${s.remainingLifeH.toFixed(0)} h, ` +
          Object.entries(s.published).map(([k, v]) => `${k}=${Number(v.toFixed(2))}`).join(' ')).join('\n') +
          (this.faults.list().length ? `\nfaults: ${this.faults.list().join(', ')}` : '');
      case 'help':
        return COMMAND_HELP;
    }
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
