import { samePerson, type Actor } from '../identity/actor';
import { isWaveform, type Reading } from '../reading/reading';
import type { UrgencyLevel } from '../rul/urgency';
import { formatDuration } from '../duration-text';
import { formatValue } from './format-value';
import type { GuardOptions } from './guard-options';
import { interlockBlocker, type Blocker, type InterlockFacts } from './interlocks';
import type { SetpointAction, SetpointAuditRecord } from './setpoint-audit';

/**
 * Guards every write of one setpoint back to the PLC. A request is checked against the engineer's bounds, allowed
 * hours, interlocks, maximum step and rate; in manual mode it then waits for an approval (and is checked again when
 * approved, as the plant may have changed meanwhile), in automatic mode it is written at once. After a write the
 * twin has to confirm it within the watchdog time (a confirm message, or the PLC reading the value back), or the
 * last safe value is written back. There is no automatic ramping: a change beyond the step or rate is refused with
 * the largest change allowed now, so every value the PLC receives was asked for and approved as such.
 * Every step, and every refusal, is an audit record. Time is passed in (epoch ms) so the guard is testable without clocks.
 *
 * The guard trusts nothing a message says about the plant: interlocks are read from the facts twin-urgency,
 * twin-threshold and twin-drift hold (InterlockFacts), the PLC's setpoint from the read-back twin-ingest took from it
 * (`readings`, fed by the node from lib/facts, never from its input), and people from their dashboard login (Actor):
 * an approval needs a logged-in user who, unless one-person approval is configured, did not ask for the change.
 */

export interface SetpointRequest {
  value?: unknown;
  reason?: unknown;
  asset?: unknown;
  sensor?: unknown;
}

export interface SetpointWrite {
  asset: string;
  sensor: string;
  value: number;
  requestId: string;
  kind: 'apply' | 'revert';
}

export interface PendingRequest {
  id: string;
  value: number;
  requestedBy: string;
  reason: string | null;
  requestedAt: number;
  expiresAt: number;
}

export interface AppliedWrite {
  requestId: string;
  value: number;
  /** The value the watchdog writes back if this one is not confirmed. */
  safeValue: number;
  writtenAt: number;
  deadline: number;
  requestedBy: string;
  approvedBy: string;
  /** Newest read-back that did not match, for the revert reason. */
  mismatch: number | null;
  /** A matching read-back was audited (once per write). */
  readbackOk: boolean;
}

export type GuardTone = 'idle' | 'pending' | 'applied' | 'confirmed' | 'refused' | 'reverted';

export interface GuardState {
  seq: number;
  pending: PendingRequest | null;
  applied: AppliedWrite | null;
  lastSafe: number | null;
  lastWrite: { value: number; at: number } | null;
  readback: { value: number; ts: number } | null;
  last: { action: SetpointAction; tone: GuardTone; code: string | null; value: number | null; ts: number } | null;
}

export interface GuardOutcome {
  audits: SetpointAuditRecord[];
  writes: SetpointWrite[];
}

/** What a dashboard shows: the pending request to approve, the write in force, the interlock, the last event. */
export interface GuardSnapshot {
  asset: string;
  sensor: string;
  unit: string;
  mode: GuardOptions['mode'];
  min: number;
  max: number;
  current: number | null;
  lastSafe: number | null;
  readback: { value: number; ts: number } | null;
  pending: PendingRequest | null;
  applied: AppliedWrite | null;
  urgency: UrgencyLevel | null;
  interlock: string | null;
  /** How many nodes publish this asset's urgency and alerts: 0 means that interlock cannot act. */
  interlockSources: { urgency: number; alerts: number };
  /** Whether the requester may approve his own request (one-person approval). */
  fourEyes: boolean;
  last: GuardState['last'];
}

/** Where the guard reads interlocks from (lib/facts/plant-facts satisfies it). */
export interface GuardFacts extends InterlockFacts {
  alertSources(asset: string): number;
}

type Refusal = Blocker;

export class SetpointGuard {
  readonly options: GuardOptions;
  private readonly facts: GuardFacts;
  private state: GuardState;

  constructor(options: GuardOptions, facts: GuardFacts, saved?: GuardState) {
    this.options = options;
    this.facts = facts;
    const fresh: GuardState = { seq: 0, pending: null, applied: null, lastSafe: options.safeValue, lastWrite: null, readback: null, last: null };
    // State saved by an older version may carry interlocks a message once set: they are facts of other nodes now.
    const { seq, pending, applied, lastSafe, lastWrite, readback, last } = saved ? structuredClone(saved) : fresh;
    this.state = { seq, pending, applied, lastSafe, lastWrite, readback, last };
    this.state.lastSafe ??= options.safeValue;
  }

  private blocker(): Blocker | null {
    return interlockBlocker({ asset: this.options.asset, urgencyLevels: this.options.interlockUrgency, alertLevels: this.options.interlockAlerts }, this.facts);
  }

  private fmt(value: number): string {
    return formatValue(value, this.options.unit);
  }

  /** The setpoint the PLC holds now as far as the twin knows: a newer read-back, else the last write, else the safe value. */
  get current(): number | null {
    const { readback, lastWrite } = this.state;
    if (readback && (!lastWrite || readback.ts > lastWrite.at)) return readback.value;
    return lastWrite?.value ?? readback?.value ?? this.state.lastSafe;
  }

  /** A request for a value; who asks is the actor (a flow's request names its requester in `actor.name`). */
  request(request: SetpointRequest, actor: Actor, now: number): GuardOutcome {
    const outcome: GuardOutcome = { audits: [], writes: [] };
    const requestId = this.nextRequestId(now);
    const value = typeof request.value === 'number' ? request.value : Number.NaN;
    const requestedBy = actor.name.trim();
    const reason = typeof request.reason === 'string' && request.reason.trim() !== '' ? request.reason.trim() : null;
    const after = Number.isFinite(value) ? value : null;
    const base = { requestId, requestedBy: requestedBy || null, before: this.current, after };
    outcome.audits.push(this.audit('request', now, { ...base, reason, detail: this.options.mode === 'manual' ? 'manual approval' : 'automatic mode' }));
    const refusal = this.identityProblem(request) ?? this.invalid(request.value, requestedBy) ?? this.automaticRequester(actor) ?? this.check(value, now);
    if (refusal) {
      outcome.audits.push(this.audit('refuse', now, { ...base, reason: refusal.reason, detail: refusal.code }));
      this.remember('refuse', 'refused', refusal.code, after, now);
      return outcome;
    }
    if (this.options.mode === 'automatic') {
      this.write(outcome, { requestId, value, requestedBy, approvedBy: 'automatic', reason }, now);
      return outcome;
    }
    const previous = this.state.pending;
    if (previous) {
      outcome.audits.push(this.audit('supersede', now, {
        requestId: previous.id, requestedBy: previous.requestedBy, before: this.current, after: previous.value,
        reason: `replaced by request ${requestId} for ${this.fmt(value)}`,
      }));
    }
    this.state.pending = { id: requestId, value, requestedBy, reason, requestedAt: now, expiresAt: now + this.options.approvalTimeoutMs };
    this.remember('request', 'pending', null, value, now);
    return outcome;
  }

  /**
   * An approval of the pending request by a logged-in user other than the requester (unless one-person approval is
   * configured). Everything is checked again, as the plant may have changed. A refused approval is audited and leaves
   * the request pending when the approver was the problem, so another person can still approve it.
   */
  approve(id: unknown, actor: Actor, now: number): GuardOutcome {
    const pending = this.pendingFor(id);
    if (typeof pending === 'string') return this.refuseDecision('approve', id, actor, pending, now);
    const approverProblem = !actor.authenticated
      ? `approval needs a user logged in to the dashboard; ${actor.name} is not (see README "Dashboard logins")`
      : this.options.fourEyes && samePerson(actor.name, pending.requestedBy)
        ? `${actor.name} asked for this change and may not approve it too: another person must (four eyes)`
        : null;
    if (approverProblem) return this.refuseDecision('approve', pending.id, actor, approverProblem, now, pending);
    const approvedBy = actor.name;
    const outcome: GuardOutcome = { audits: [], writes: [] };
    this.state.pending = null;
    const base = { requestId: pending.id, requestedBy: pending.requestedBy, approvedBy, before: this.current, after: pending.value };
    const refusal = this.check(pending.value, now) ?? this.unconfirmed();
    if (refusal) {
      outcome.audits.push(this.audit('refuse', now, { ...base, reason: `at approval: ${refusal.reason}`, detail: refusal.code }));
      this.remember('refuse', 'refused', refusal.code, pending.value, now);
      return outcome;
    }
    outcome.audits.push(this.audit('approve', now, { ...base, reason: pending.reason }));
    this.write(outcome, { requestId: pending.id, value: pending.value, requestedBy: pending.requestedBy, approvedBy, reason: pending.reason }, now);
    return outcome;
  }

  /** A rejection never moves the PLC, so anyone identified may reject; it is audited with who did. */
  reject(id: unknown, actor: Actor, reason: unknown, now: number): GuardOutcome {
    const pending = this.pendingFor(id);
    if (typeof pending === 'string') return this.refuseDecision('reject', id, actor, pending, now);
    this.state.pending = null;
    this.remember('reject', 'idle', null, pending.value, now);
    return {
      writes: [],
      audits: [this.audit('reject', now, {
        requestId: pending.id, requestedBy: pending.requestedBy, approvedBy: actor.name, before: this.current, after: pending.value,
        reason: typeof reason === 'string' && reason.trim() !== '' ? reason.trim() : null, detail: `rejected by ${actor.name}`,
      })],
    };
  }

  /**
   * A confirm message: the write in force is good, so it becomes the last safe value and the watchdog stops. It
   * stops a revert, so it is taken from a logged-in user or the flow itself, not from an anonymous dashboard.
   */
  confirm(actor: Actor, now: number): GuardOutcome {
    const applied = this.state.applied;
    if (!applied) return { audits: [], writes: [] };
    if (actor.source === 'dashboard') {
      return this.refuseDecision('confirm', applied.requestId, actor, 'a confirmation from the dashboard needs a logged-in user', now);
    }
    return this.confirmApplied(actor.name, now);
  }

  /** Read-back of the PLC's setpoint and, with confirmOnReadings, confirmation by fresh data. */
  readings(readings: readonly Reading[], now: number): GuardOutcome {
    const outcome: GuardOutcome = { audits: [], writes: [] };
    const { asset, readbackSensor, confirmOnReadings, readbackTolerance } = this.options;
    for (const reading of readings) {
      if (reading.asset !== asset || isWaveform(reading) || reading.historical) continue;
      const applied = this.state.applied;
      const fresh = applied !== null && reading.ts >= applied.writtenAt;
      if (reading.sensor === readbackSensor && reading.quality !== 'bad' && Number.isFinite(reading.value)) {
        const newest = !this.state.readback || reading.ts >= this.state.readback.ts;
        if (newest) this.state.readback = { value: reading.value, ts: reading.ts };
        // Without a write of ours on trial, what the PLC holds (set at the HMI, by its program or by a confirmed
        // write) is what the machine runs on safely: a revert goes back to it, not to an older value.
        if (!applied) {
          if (newest) this.state.lastSafe = reading.value;
          continue;
        }
        if (!fresh) continue;
        if (Math.abs(reading.value - applied.value) <= readbackTolerance) {
          if (applied.readbackOk) continue;
          applied.readbackOk = true;
          outcome.audits.push(this.audit('readback', now, {
            requestId: applied.requestId, requestedBy: applied.requestedBy, approvedBy: applied.approvedBy, before: null, after: reading.value,
            detail: `the PLC reads back ${this.fmt(reading.value)}`,
          }));
          if (confirmOnReadings) this.merge(outcome, this.confirmApplied('read-back', now));
        } else {
          applied.mismatch = reading.value;
        }
      } else if (readbackSensor === null && confirmOnReadings && fresh) {
        this.merge(outcome, this.confirmApplied('fresh readings', now));
      }
    }
    return outcome;
  }

  /** Expires a request nobody approved and reverts a write nobody confirmed, once their time is up. */
  tick(now: number): GuardOutcome {
    const outcome: GuardOutcome = { audits: [], writes: [] };
    const pending = this.state.pending;
    if (pending && now >= pending.expiresAt) {
      this.state.pending = null;
      outcome.audits.push(this.audit('expire', now, {
        requestId: pending.id, requestedBy: pending.requestedBy, before: this.current, after: pending.value,
        reason: `not approved within ${formatDuration(this.options.approvalTimeoutMs)}`,
      }));
      this.remember('expire', 'idle', null, pending.value, now);
    }
    const applied = this.state.applied;
    if (applied && now >= applied.deadline) {
      const readback = applied.mismatch !== null ? ` (the PLC reads back ${this.fmt(applied.mismatch)})` : '';
      this.revert(outcome, applied, `watchdog: no confirmation within ${formatDuration(this.options.watchdogMs)}${readback}`, now);
    }
    return outcome;
  }

  /** When tick() next has something to do, or null. */
  nextDeadline(): number | null {
    const times = [this.state.pending?.expiresAt, this.state.applied?.deadline].filter((t): t is number => t !== undefined);
    return times.length > 0 ? Math.min(...times) : null;
  }

  snapshot(): GuardSnapshot {
    const { asset, sensor, unit, mode, min, max } = this.options;
    return {
      asset, sensor, unit, mode, min, max, current: this.current, lastSafe: this.state.lastSafe,
      readback: this.state.readback ? { ...this.state.readback } : null,
      pending: this.state.pending ? { ...this.state.pending } : null,
      applied: this.state.applied ? { ...this.state.applied } : null,
      urgency: this.facts.urgencyOf(asset)?.level ?? null,
      interlock: this.blocker()?.reason ?? null,
      interlockSources: { urgency: this.facts.urgencyOf(asset)?.sources ?? 0, alerts: this.facts.alertSources(asset) },
      fourEyes: this.options.fourEyes,
      last: this.state.last ? { ...this.state.last } : null,
    };
  }

  toJSON(): GuardState {
    return structuredClone(this.state);
  }

  private identityProblem(request: SetpointRequest): Refusal | null {
    const { asset, sensor } = this.options;
    const askedAsset = request.asset ?? asset;
    const askedSensor = request.sensor ?? sensor;
    if (askedAsset === asset && askedSensor === sensor) return null;
    return { code: 'not guarded', reason: `this guard covers ${asset}/${sensor}, not ${String(askedAsset)}/${String(askedSensor)}: send it to that setpoint's guard` };
  }

  private invalid(value: unknown, requestedBy: string): Refusal | null {
    if (typeof value !== 'number' || !Number.isFinite(value)) return { code: 'invalid', reason: `value ${JSON.stringify(value) ?? String(value)} is not a number` };
    if (requestedBy === '') return { code: 'invalid', reason: 'requestedBy is missing: a request from the flow names who asks for the change' };
    return null;
  }

  /** Automatic mode writes without an approval, so it takes requests from the flow or a logged-in user only. */
  private automaticRequester(actor: Actor): Refusal | null {
    if (this.options.mode !== 'automatic' || actor.source !== 'dashboard') return null;
    return { code: 'not logged in', reason: 'automatic mode writes at once: a request from the dashboard needs a logged-in user' };
  }

  /** Every check on a value at a moment, in the order an operator would fix them; null when it may be written. */
  private check(value: number, now: number): Refusal | null {
    const { min, max, maxStep, maxRatePerMinute, allowedHours } = this.options;
    if (value < min) return { code: 'out of bounds', reason: `out of bounds: ${this.fmt(value)} is below the minimum ${this.fmt(min)}` };
    if (value > max) return { code: 'out of bounds', reason: `out of bounds: ${this.fmt(value)} is above the maximum ${this.fmt(max)}` };
    if (!allowedHours.contains(now)) return { code: 'outside allowed hours', reason: `outside allowed hours: changes are allowed ${allowedHours.describe()}` };
    const blocker = this.blocker();
    if (blocker) return blocker;
    const current = this.current;
    if (current === null) {
      return { code: 'current unknown', reason: `the present setpoint is unknown: wait for a reading of ${this.options.readbackSensor ?? this.options.sensor} or set a safe value` };
    }
    const change = Math.abs(value - current);
    if (change > maxStep) {
      const limit = value > current ? current + maxStep : current - maxStep;
      return {
        code: 'step too large',
        reason: `step too large: ${this.fmt(current)} → ${this.fmt(value)} changes by ${this.fmt(change)}, more than the maximum step ${this.fmt(maxStep)}; ask for ${this.fmt(limit)} at most`,
      };
    }
    const lastWrite = this.state.lastWrite;
    if (lastWrite && Number.isFinite(maxRatePerMinute) && change > 0) {
      const elapsedMs = Math.max(0, now - lastWrite.at);
      const neededMs = (change / maxRatePerMinute) * 60_000;
      if (neededMs > elapsedMs) {
        return {
          code: 'too fast',
          reason: `too fast: ${this.fmt(change)} ${formatDuration(elapsedMs)} after the last write exceeds the maximum rate ${this.fmt(maxRatePerMinute)}/min; wait ${formatDuration(neededMs - elapsedMs)}`,
        };
      }
    }
    return null;
  }

  private unconfirmed(): Refusal | null {
    const applied = this.state.applied;
    if (!applied) return null;
    return { code: 'awaiting confirmation', reason: `the previous write (${this.fmt(applied.value)}) is not confirmed yet` };
  }

  /** The pending request with this id, or why there is none. */
  private pendingFor(id: unknown): PendingRequest | string {
    const pending = this.state.pending;
    if (typeof id !== 'string' || id === '') return 'no request id: send payload.id (the pending request\'s id, from the state output)';
    if (!pending) return `no request is pending approval (${id}): it may have expired or been superseded`;
    if (pending.id !== id) return `request ${id} is not the one pending approval (${pending.id}): it may have been superseded`;
    return pending;
  }

  /** An approval, rejection or confirmation that cannot be taken: audited, and shown as the last event. */
  private refuseDecision(verb: 'approve' | 'reject' | 'confirm', id: unknown, actor: Actor, reason: string, now: number, pending?: PendingRequest): GuardOutcome {
    const requestId = typeof id === 'string' && id !== '' ? id : `${this.options.asset}/${this.options.sensor}/none`;
    const code = `${verb} refused`;
    this.remember('refuse', 'refused', code, pending?.value ?? null, now);
    return {
      writes: [],
      audits: [this.audit('refuse', now, {
        requestId, requestedBy: pending?.requestedBy ?? null, approvedBy: actor.name, before: this.current, after: pending?.value ?? null,
        reason: `${verb} by ${actor.name}: ${reason}`, detail: code,
      })],
    };
  }

  private write(outcome: GuardOutcome, w: { requestId: string; value: number; requestedBy: string; approvedBy: string; reason: string | null }, now: number): void {
    const unconfirmed = this.unconfirmed();
    const base = { requestId: w.requestId, requestedBy: w.requestedBy, approvedBy: w.approvedBy, before: this.current, after: w.value };
    if (unconfirmed) {
      outcome.audits.push(this.audit('refuse', now, { ...base, reason: unconfirmed.reason, detail: unconfirmed.code }));
      this.remember('refuse', 'refused', unconfirmed.code, w.value, now);
      return;
    }
    const before = this.current as number;
    outcome.writes.push({ asset: this.options.asset, sensor: this.options.sensor, value: w.value, requestId: w.requestId, kind: 'apply' });
    outcome.audits.push(this.audit('write', now, { ...base, reason: w.reason, detail: this.options.watchdogMs > 0 ? `confirm within ${formatDuration(this.options.watchdogMs)}` : null }));
    this.state.lastWrite = { value: w.value, at: now };
    if (this.options.watchdogMs > 0) {
      this.state.applied = {
        requestId: w.requestId, value: w.value, safeValue: this.state.lastSafe ?? before, writtenAt: now, deadline: now + this.options.watchdogMs,
        requestedBy: w.requestedBy, approvedBy: w.approvedBy, mismatch: null, readbackOk: false,
      };
    } else {
      this.state.lastSafe = w.value;
    }
    this.remember('write', this.options.watchdogMs > 0 ? 'applied' : 'confirmed', null, w.value, now);
  }

  private confirmApplied(by: string, now: number): GuardOutcome {
    const applied = this.state.applied;
    if (!applied) return { audits: [], writes: [] };
    const before = this.state.lastSafe;
    this.state.applied = null;
    this.state.lastSafe = applied.value;
    this.remember('confirm', 'confirmed', null, applied.value, now);
    return {
      writes: [],
      audits: [this.audit('confirm', now, {
        requestId: applied.requestId, requestedBy: applied.requestedBy, approvedBy: applied.approvedBy, before, after: applied.value,
        detail: `confirmed by ${by}`,
      })],
    };
  }

  private revert(outcome: GuardOutcome, applied: AppliedWrite, reason: string, now: number): void {
    this.state.applied = null;
    const { min, max } = this.options;
    if (!(applied.safeValue >= min && applied.safeValue <= max)) {
      // The last safe value came from the PLC itself (set at the HMI); the twin writes nothing it may not write.
      outcome.audits.push(this.audit('refuse', now, {
        requestId: applied.requestId, requestedBy: applied.requestedBy, approvedBy: applied.approvedBy, before: applied.value, after: applied.safeValue,
        reason: `${reason}; the last safe value ${this.fmt(applied.safeValue)} lies outside ${this.fmt(min)} – ${this.fmt(max)}, so it is not written back: set the setpoint at the machine`,
        detail: 'revert out of bounds',
      }));
      this.remember('refuse', 'refused', 'revert out of bounds', applied.safeValue, now);
      return;
    }
    this.state.lastWrite = { value: applied.safeValue, at: now };
    outcome.writes.push({ asset: this.options.asset, sensor: this.options.sensor, value: applied.safeValue, requestId: applied.requestId, kind: 'revert' });
    outcome.audits.push(this.audit('revert', now, {
      requestId: applied.requestId, requestedBy: applied.requestedBy, approvedBy: applied.approvedBy, before: applied.value, after: applied.safeValue,
      reason, detail: `wrote the last safe value ${this.fmt(applied.safeValue)} back`,
    }));
    this.remember('revert', 'reverted', null, applied.safeValue, now);
  }

  private nextRequestId(now: number): string {
    this.state.seq += 1;
    return `${this.options.asset}/${this.options.sensor}/${now}-${this.state.seq}`;
  }

  private audit(action: SetpointAction, ts: number, fields: Partial<Omit<SetpointAuditRecord, 'kind' | 'id' | 'ts' | 'action'>> & { requestId: string }): SetpointAuditRecord {
    this.state.seq += 1;
    return {
      kind: 'setpoint-audit', id: `${fields.requestId}:${this.state.seq}`, ts, asset: this.options.asset, sensor: this.options.sensor, action,
      requestId: fields.requestId, requestedBy: fields.requestedBy ?? null, approvedBy: fields.approvedBy ?? null, reason: fields.reason ?? null,
      before: fields.before ?? null, after: fields.after ?? null, detail: fields.detail ?? null,
    };
  }

  private remember(action: SetpointAction, tone: GuardTone, code: string | null, value: number | null, ts: number): void {
    this.state.last = { action, tone, code, value, ts };
  }

  private merge(into: GuardOutcome, add: GuardOutcome): void {
    into.audits.push(...add.audits);
    into.writes.push(...add.writes);
  }
}
