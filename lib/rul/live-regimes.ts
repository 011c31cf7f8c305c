import { RECIPE_KEY, type HistoryRecipe } from './history-recipe';
import { regimeClassifier, type OperatingRegimes } from './operating-regimes';
import type { RulModelHandle } from './rul-model';

/**
 * The operating-regime normalisation of a model trained with regimes (`twin-train fit --settings`), applied to a
 * live feature vector so the model reads what it was trained on. The model's metadata carries its recipe, and the
 * recipe the regimes: their centres in the settings and each regime's healthy mean and SD per sensor.
 *
 * A vector's regime is that of its settings' newest values, the features `<setting>.last`. Each feature of a
 * normalised sensor is then taken into that regime's units: a level (`.last`, `.mean…`) as (value − mean) / SD, a
 * rate (`.slope…`) as value / SD. In training each reading was normalised by its own step's regime before the window
 * statistics, so the two agree exactly while the machine held one regime over the feature's window (a spindle in one
 * speed and load band), not across a change of regime inside it.
 */
export interface LiveRegimes {
  /** The features holding the settings' newest values, which the vector must carry besides the model's. */
  settingFeatures: string[];
  /** The model's features of one vector in its regime's units; `features` holds the model's and the settings' features. */
  normalise(features: Readonly<Record<string, number>>): Record<string, number>;
}

type Statistic = 'level' | 'rate';

function statisticOf(feature: string, sensor: string): Statistic {
  const statistic = feature.slice(sensor.length + 1).split('.')[0];
  if (statistic === 'last' || statistic === 'mean') return 'level';
  if (statistic === 'slope') return 'rate';
  throw new Error(`the model's feature ${feature} is of a regime-normalised sensor, but "${statistic}" is no statistic the normalisation knows (last, mean, slope)`);
}

function recipeOf(metadata: Readonly<Record<string, string>>): HistoryRecipe | undefined {
  const text = metadata[RECIPE_KEY];
  if (!text) return undefined;
  const recipe = JSON.parse(text) as HistoryRecipe;
  const regimes = recipe.regimes;
  if (regimes && !(Array.isArray(regimes.settings) && Array.isArray(regimes.centres) && Array.isArray(regimes.normal) && regimes.normal.length === regimes.centres.length)) {
    throw new Error(`the model's ${RECIPE_KEY} metadata holds regimes without settings, centres and a normal per regime`);
  }
  return recipe;
}

/** Builds the normalisation of a model's recipe; undefined when the model was trained without regimes. */
export function liveRegimes(featureNames: readonly string[], metadata: Readonly<Record<string, string>>): LiveRegimes | undefined {
  const regimes: OperatingRegimes | undefined = recipeOf(metadata)?.regimes;
  if (!regimes) return undefined;
  const normalised = new Set(Object.keys(regimes.normal[0] ?? {}));
  const transforms = featureNames.flatMap((feature) => {
    const sensor = [...normalised].find((s) => feature.startsWith(`${s}.`));
    return sensor ? [{ feature, sensor, statistic: statisticOf(feature, sensor) }] : [];
  });
  const settingFeatures = regimes.settings.map((setting) => `${setting}.last`);
  const regimeOf = regimeClassifier(regimes);
  return {
    settingFeatures,
    normalise(features) {
      const normal = regimes.normal[regimeOf(settingFeatures.map((name) => features[name]))];
      const out: Record<string, number> = { ...features };
      for (const { feature, sensor, statistic } of transforms) {
        const { mean, sd } = normal[sensor];
        out[feature] = statistic === 'level' ? (features[feature] - mean) / sd : features[feature] / sd;
      }
      return out;
    },
  };
}

const byModel = new WeakMap<RulModelHandle, LiveRegimes | null>();

/** The model's normalisation, built once per loaded model. */
export function regimesOfModel(model: RulModelHandle): LiveRegimes | undefined {
  let found = byModel.get(model);
  if (found === undefined) {
    found = liveRegimes(model.featureNames, model.metadata) ?? null;
    byModel.set(model, found);
  }
  return found ?? undefined;
}
