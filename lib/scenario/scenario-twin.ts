import type { AssetDefinition } from '../asset/asset-model';
import type { FeatureVector } from '../features/feature-vector';
import type { Reading } from '../reading/reading';
import type { RulModelHandle, RulPrediction } from '../rul/rul-model';
import { currentState } from './current-state';
import { evaluationContext } from './evaluation-context';
import { AlertWindows } from './fit-exclusion';
import { identifyModels, isIdentifiedModels, MODEL_NAMES, type IdentifiedModels } from './identification';
import { DEFAULT_IDENTIFICATION_OPTIONS, type IdentificationOptions } from './identification-options';
import { DEFAULT_HISTORY_OPTIONS, OperatingHistory, type HistoryOptions } from './operating-history';
import type { ParameterChanges } from './parameter-changes';
import { runScenarios, type ScenarioReport } from './scenario-engine';
import type { ScenarioResult } from './scenario-result';
import { validateSettings, type Objective, type ScenarioSettings } from './settings';
import { resolveRoles, type ResolvedRoles, type SensorRole } from './sensor-roles';

/**
 * One asset's what-if twin, framework-free: it keeps the asset's bounded operating history, its newest feature
 * vector and RUL prediction, identifies the models from the history when they are missing or the history has moved
 * on, and evaluates scenario requests. The node is glue around it.
 */
export interface ScenarioTwinOptions {
  roles?: Partial<Record<SensorRole, string>>;
  runningState?: number;
  history?: Partial<HistoryOptions>;
  identification?: Partial<Omit<IdentificationOptions, 'nominalRpm' | 'bucketMs' | 'ambientC'>>;
  /** A known constant ambient temperature, °C (without an ambient sensor). */
  ambientC?: number;
  settings: ScenarioSettings;
  /** Identify again on a request once the history has this much newer data, ms. */
  reidentifyMs?: number;
}

/** What twin-setpoint takes: a request to write the scenario's speed. */
export interface SetpointRequest {
  asset: string;
  sensor: string;
  value: number;
  requestedBy: string;
  reason: string;
}

const RETRY_MISSING_MS = 60_000;

/** An apply the twin refuses (a limit crossed, nothing to write): an answer for the operator, not a node failure. */
export class ApplyRefused extends Error {
  constructor(message: string, readonly report: ScenarioReport) {
    super(message);
    this.name = 'ApplyRefused';
  }
}

export class ScenarioTwin {
  readonly roles: ResolvedRoles;
  private readonly history: OperatingHistory;
  private readonly identification: IdentificationOptions;
  private readonly reidentifyMs: number;
  private models: IdentifiedModels | undefined;
  private identifiedThrough = -Infinity;
  private features: { ts: number; values: Readonly<Record<string, number>> } | undefined;
  private prediction: (RulPrediction & { ts: number }) | undefined;
  private readonly alerts = new AlertWindows();

  constructor(readonly asset: AssetDefinition, readonly options: ScenarioTwinOptions, savedModels?: unknown) {
    const problems = validateSettings(options.settings);
    if (problems.length > 0) throw new Error(`scenario settings: ${problems.join('; ')}`);
    const nominalRpm = asset.ratings.nominalRpm;
    if (!(nominalRpm !== undefined && nominalRpm > 0)) throw new Error(`asset ${asset.id} has no nominal speed rating: set it in the twin-asset node (the models express speed as a fraction of it)`);
    this.roles = resolveRoles(asset, options.roles, options.runningState ?? 1);
    const history = { ...DEFAULT_HISTORY_OPTIONS, ...options.history };
    this.history = new OperatingHistory(this.roles, history, nominalRpm, asset.sensors);
    this.identification = { ...DEFAULT_IDENTIFICATION_OPTIONS, ...options.identification, nominalRpm, bucketMs: history.bucketMs, ambientC: options.ambientC };
    this.reidentifyMs = options.reidentifyMs ?? 10 * 60_000;
    if (isIdentifiedModels(savedModels) && savedModels.asset === asset.id) this.models = savedModels;
  }

  /** Adds readings (other assets' are ignored); returns how many were used. */
  addReadings(readings: readonly Reading[]): number {
    return this.history.add(readings, this.asset.id);
  }

  /**
   * Which of the asset's sensors are in alert at `ts` (its readings' clock), as twin-threshold and twin-drift hold
   * them: their windows are left out of the fits of the models those sensors feed (fit-exclusion).
   */
  observeAlerts(ts: number, alertedSensors: readonly string[]): void {
    this.alerts.observe(ts, alertedSensors);
    this.alerts.forgetBefore(ts - this.history.options.bucketMs * this.history.options.buckets);
  }

  addFeatures(vector: FeatureVector): void {
    if (vector.asset !== this.asset.id) return;
    if (!this.features || vector.ts >= this.features.ts) this.features = { ts: vector.ts, values: vector.features };
  }

  addPrediction(prediction: RulPrediction & { asset: string; ts?: number }): void {
    if (prediction.asset !== this.asset.id) return;
    this.prediction = { rulHours: prediction.rulHours, lowerHours: prediction.lowerHours, upperHours: prediction.upperHours, ts: prediction.ts ?? Date.now() };
  }

  get historyMinutes(): number {
    return this.history.spanMs / 60_000;
  }

  get identified(): IdentifiedModels | undefined {
    return this.models;
  }

  /**
   * Whether the next evaluation identifies first: no models yet, enough new history since the last time, or, while a
   * model the limits are checked with is still missing, a minute of new history (the scrap model, which needs hours
   * of production, waits for the usual interval).
   */
  needsIdentification(): boolean {
    if (this.history.size === 0) return false;
    if (!this.models) return true;
    const since = this.history.newestTs - this.identifiedThrough;
    // A model that failed, or lacked clean data, is tried again on every minute of new data, by itself (the scrap
    // model only where the asset counts parts: without counters it can never be identified).
    const counts = this.roles.sensorSet.has('parts');
    const modelMissing = MODEL_NAMES.some((name) => (name !== 'scrap' || counts) && !(this.models as IdentifiedModels)[name].ok);
    return since >= this.reidentifyMs || (modelMissing && since >= RETRY_MISSING_MS);
  }

  identify(): IdentifiedModels {
    this.models = identifyModels(this.asset.id, this.history, this.roles.sensorSet, this.identification, this.models,
      { alerts: this.alerts, sensorOf: (role) => this.roles.sensors[role] });
    this.identifiedThrough = this.history.newestTs;
    return this.models;
  }

  async evaluate(changes: readonly ParameterChanges[], objective: Objective, rul: { model?: RulModelHandle; modelProblem?: string }): Promise<ScenarioReport> {
    if (this.needsIdentification() || !this.models) this.identify();
    const models = this.models as IdentifiedModels;
    const state = currentState(this.asset, this.history, this.roles.sensorSet, models, {
      nominalRpm: this.identification.nominalRpm, stateWindowMs: this.options.settings.stateWindowMs,
      bucketMs: this.identification.bucketMs, ambientC: this.options.ambientC,
    });
    const context = evaluationContext(this.asset, this.roles.sensors, this.options.settings, state, models);
    return runScenarios(context, changes, objective, { ...rul, features: this.features, prediction: this.prediction }, models);
  }

  /**
   * The setpoint request that applies one scenario, after evaluating it afresh: refused (an Error with every reason)
   * when it crosses or cannot be checked against a limit, or changes no speed.
   */
  async setpointRequest(changes: ParameterChanges, requestedBy: string, rul: { model?: RulModelHandle; modelProblem?: string }): Promise<{ request: SetpointRequest; report: ScenarioReport }> {
    const report = await this.evaluate([changes], this.options.settings.objective, rul);
    const scenario = report.scenarios[0];
    if (!scenario.feasible) {
      throw new ApplyRefused(`not applied: "${scenario.label}" ${scenario.violations.map((v) => v.reason).join('; ')}`, report);
    }
    if (!changes.speedPercent) throw new ApplyRefused(`not applied: "${scenario.label}" changes no speed, the only setpoint the twin writes; make the other changes by hand`, report);
    const sensor = this.roles.sensors.setpoint;
    if (!sensor) throw new ApplyRefused(`not applied: asset ${this.asset.id} has no speed setpoint sensor to write (name it in the scenario settings)`, report);
    const base = report.today.speedSetpoint.value ?? (report.today.speed.value as number);
    const value = Math.round(base * (1 + changes.speedPercent / 100));
    return {
      report,
      request: { asset: this.asset.id, sensor, value, requestedBy, reason: `what-if "${scenario.label}": ${summarise(scenario)}` },
    };
  }
}

function summarise(s: ScenarioResult): string {
  const parts: string[] = [];
  const signed = (v: number | null, unit: string, digits = 1): string | undefined => (v === null ? undefined : `${v > 0 ? '+' : ''}${v.toFixed(digits)} ${unit}`);
  const throughput = signed(s.throughput.change.value, '%');
  if (throughput) parts.push(`throughput ${throughput}`);
  const life = signed(s.bearing.adjustedLifeChange.value ?? s.bearing.basicLifeChange.value, '%');
  if (life) parts.push(`bearing life ${life}`);
  const temperature = s.thermal.bearingSteadyState.value;
  if (temperature !== null) parts.push(`bearing ${temperature.toFixed(1)} °C`);
  const roi = s.roi.perYear.value;
  if (roi !== null) parts.push(`ROI ${Math.round(roi)} ${s.roi.perYear.unit}`);
  return parts.join(', ');
}
