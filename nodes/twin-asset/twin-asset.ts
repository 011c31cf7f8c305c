import type { NodeAPI } from 'node-red';
import { validateAsset } from '../../lib/asset/asset-model';
import { PLANT_ASSETS } from '../../lib/asset/presets';
import { ASSET_NODE_TYPE, type TwinAssetNode } from '../common/asset';
import { definitionFromConfig, type TwinAssetDef } from './definition';

export = function register(RED: NodeAPI): void {
  function TwinAsset(this: TwinAssetNode, def: TwinAssetDef): void {
    RED.nodes.createNode(this, def);
    this.definition = definitionFromConfig(def);
    this.problems = validateAsset(this.definition);
    if (this.problems.length > 0) {
      this.error(`asset "${this.definition.id}" is invalid: ${this.problems.join('; ')}`);
    }
  }
  RED.nodes.registerType(ASSET_NODE_TYPE, TwinAsset);

  // The editor offers the simulated plant's machines as presets to start a definition from.
  RED.httpAdmin.get('/twin-asset/presets', RED.auth.needsPermission('twin-asset.read'), (_req, res) => {
    res.json(PLANT_ASSETS);
  });
};
