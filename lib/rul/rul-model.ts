/**
 * What the rest of the pack needs of a loaded remaining-useful-life model, whatever produced it (the pack's trainer,
 * an imported XGBoost model): its version, the features it reads by name, and batch scoring into hours of life with
 * a prediction interval when the model has one.
 */
export interface RulPrediction {
  /** Point estimate, hours of remaining useful life (never below 0). */
  rulHours: number;
  /** Prediction interval, hours; absent when the model has no interval outputs. */
  lowerHours?: number;
  upperHours?: number;
}

/**
 * A batch's predictions as columns, entry r for record r, with the same guarantees as RulPrediction (never below 0,
 * the interval around the estimate): live scoring reads a fleet's estimates without an object per asset.
 */
export interface RulColumns {
  rulHours: ArrayLike<number>;
  lowerHours?: ArrayLike<number>;
  upperHours?: ArrayLike<number>;
}

export type FeatureRecord = Readonly<Record<string, number>>;

export interface RulModelHandle {
  /** Registry version or file name and content hash: what a prediction says it came from. */
  readonly version: string;
  /** Input columns, in order; a record lacking one is an error that names it. */
  readonly featureNames: readonly string[];
  /** The target was capped here in training: an estimate at the cap means "at least this much". */
  readonly rulCap: number | undefined;
  readonly metadata: Readonly<Record<string, string>>;
  /** Scores every record in one run of the model; `labelOf` names a row in errors (e.g. its asset). */
  score(records: readonly FeatureRecord[], labelOf?: (row: number) => string): Promise<RulPrediction[]>;
  /** The same as `score`, as columns. */
  scoreColumns(records: readonly FeatureRecord[], labelOf?: (row: number) => string): Promise<RulColumns>;
}
