import type { Node, NodeAPI, NodeDef } from 'node-red';
import { actorOf } from '../../lib/identity/actor';
import { handleInput } from '../common/input';
import { Status } from '../common/status';

interface TwinUserDef extends NodeDef {
  /** The message property that receives the name, e.g. `payload.by`. */
  property: string;
  /** Refuse a message no logged-in dashboard user sent. */
  requireLogin: boolean;
}

/**
 * Puts who did something on a dashboard into the message: the user logged in to the session the message came from
 * (lib/identity/actor), written over whatever name the browser put there, so a work order or failure confirmation is
 * stored under a person, never under a placeholder or a typed-in name.
 */
export = function register(RED: NodeAPI): void {
  function TwinUser(this: Node, config: TwinUserDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    const property = config.property || 'payload.by';
    status.idle('waiting for an action');

    handleInput(node, status, (msg, send) => {
      const actor = actorOf(msg, RED.util.getMessageProperty(msg, property));
      if (config.requireLogin && !actor.authenticated) {
        throw new Error(`this action needs a user logged in to the dashboard; ${actor.name} is not (see README "Dashboard logins")`);
      }
      RED.util.setMessageProperty(msg, property, actor.name, true);
      (msg as { user?: unknown }).user = actor;
      status.success(`${actor.name}${actor.authenticated ? '' : ` (${actor.source})`}`);
      send(msg);
    });
  }
  RED.nodes.registerType('twin-user', TwinUser);
};
