import type { Node, NodeAPI, NodeDef } from 'node-red';
import { opcuaSubscribeMessages, type OpcuaSubscribeOptions } from '../../lib/catalogue/source-messages';
import { resolveCatalogueAssets } from '../common/catalogue';
import { handleInput } from '../common/input';
import { Status } from '../common/status';

interface TwinSubscribeDef extends NodeDef {
  catalogue: string;
  filter: string;
  kind: NonNullable<OpcuaSubscribeOptions['kind']>;
}

const KINDS = new Set(['all', 'scalar', 'waveform']);

export = function register(RED: NodeAPI): void {
  /**
   * Any message in (a new OPC UA session): the OpcUa-Client's `topic: "multiple"` subscribe messages for every node id
   * of the catalogue assets the filter matches, so the flow's subscription follows the catalogue, not node ids typed
   * into a change node.
   */
  function TwinSubscribe(this: Node, config: TwinSubscribeDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    const kind = KINDS.has(config.kind) ? config.kind : 'all';
    const selection = resolveCatalogueAssets(RED, config.catalogue, config.filter, true);
    const messages = selection instanceof Error ? [] : opcuaSubscribeMessages(selection.assets, { kind });
    const nodeIds = messages.reduce((n, m) => n + m.payload.length, 0);
    const summary = selection instanceof Error ? '' : `${nodeIds} node ids of ${messages.reduce((n, m) => n + m.assets.length, 0)} assets (${selection.description})`;
    if (selection instanceof Error) status.failed(selection.message);
    else if (messages.length === 0) status.idle(`nothing to subscribe: ${summary}`);
    else status.idle(`${summary}: waiting for a session`);

    handleInput(node, status, (_msg, send) => {
      if (selection instanceof Error) throw selection;
      // Nothing to subscribe (a filter that matches no asset yet) sends nothing: the client is never asked for an empty subscription.
      if (messages.length === 0) return;
      send([messages.map((message) => ({ ...message, payload: message.payload.map((item) => ({ ...item })) }))]);
      status.success(`subscribing ${summary}`);
    });
  }
  RED.nodes.registerType('twin-subscribe', TwinSubscribe);
};
