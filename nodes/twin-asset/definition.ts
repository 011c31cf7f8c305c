/** Turns the twin-asset editor's flat config properties into an AssetDefinition. */
import type { NodeDef } from 'node-red';
import type { AssetDefinition, BearingGeometry, MachineGroup, Mounting, SensorDefinition } from '../../lib/asset/asset-model';

export interface TwinAssetDef extends NodeDef {
  assetId: string;
  assetType: string;
  nominalRpm: string;
  maxRpm: string;
  ratedPowerKw: string;
  ratedVoltageV: string;
  machineGroup: string;
  mounting: string;
  idealCycleTimeS: string;
  bearingElements: string;
  bearingRollerMm: string;
  bearingPitchMm: string;
  bearingAngleDeg: string;
  sensors: SensorDefinition[];
}

function optionalNumber(text: string | undefined): number | undefined {
  if (text === undefined || String(text).trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function bearingFrom(def: TwinAssetDef): BearingGeometry | undefined {
  const rollingElements = optionalNumber(def.bearingElements);
  const rollerDiameterMm = optionalNumber(def.bearingRollerMm);
  const pitchDiameterMm = optionalNumber(def.bearingPitchMm);
  if (rollingElements === undefined || rollerDiameterMm === undefined || pitchDiameterMm === undefined) return undefined;
  return { rollingElements, rollerDiameterMm, pitchDiameterMm, contactAngleDeg: optionalNumber(def.bearingAngleDeg) ?? 0 };
}

export function definitionFromConfig(def: TwinAssetDef): AssetDefinition {
  const machineGroup = optionalNumber(def.machineGroup);
  return {
    id: String(def.assetId ?? '').trim(),
    name: def.name || def.assetId,
    type: def.assetType || 'generic',
    ratings: {
      nominalRpm: optionalNumber(def.nominalRpm),
      maxRpm: optionalNumber(def.maxRpm),
      ratedPowerKw: optionalNumber(def.ratedPowerKw),
      ratedVoltageV: optionalNumber(def.ratedVoltageV),
      machineGroup: machineGroup === 1 || machineGroup === 2 ? (machineGroup as MachineGroup) : undefined,
      mounting: def.mounting === 'rigid' || def.mounting === 'flexible' ? (def.mounting as Mounting) : undefined,
      idealCycleTimeS: optionalNumber(def.idealCycleTimeS),
    },
    bearing: bearingFrom(def),
    sensors: Array.isArray(def.sensors) ? def.sensors : [],
  };
}

