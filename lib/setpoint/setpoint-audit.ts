/**
 * The audit trail of guarded setpoint writes: one record per step (who asked for what and why, who approved it,
 * what was written and what it replaced), stored by the historian with the record id as primary key so a replay
 * through the store-and-forward buffer adds nothing twice.
 */
export type SetpointAction =
  | 'request'     // someone asked for a value
  | 'refuse'      // a check failed: reason says which and why
  | 'approve'
  | 'reject'
  | 'expire'      // nobody approved in time
  | 'supersede'   // a newer request replaced a pending one
  | 'write'       // sent to the PLC
  | 'readback'    // the PLC's own setpoint reading matches what was written
  | 'confirm'     // the twin confirmed the write: the value is now the last safe value
  | 'revert';     // the watchdog wrote the last safe value back

export interface SetpointAuditRecord {
  kind: 'setpoint-audit';
  /** Unique per record: `<requestId>:<n>`. */
  id: string;
  ts: number;
  asset: string;
  sensor: string;
  action: SetpointAction;
  /** Groups the records of one request. */
  requestId: string;
  requestedBy: string | null;
  approvedBy: string | null;
  /** Why: the requester's reason, or the cause of a refusal, expiry or revert. */
  reason: string | null;
  before: number | null;
  after: number | null;
  detail: string | null;
}

export const SETPOINT_ACTIONS: readonly SetpointAction[] = ['request', 'refuse', 'approve', 'reject', 'expire', 'supersede', 'write', 'readback', 'confirm', 'revert'];
