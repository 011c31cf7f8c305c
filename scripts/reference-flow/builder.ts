import { createHash } from 'node:crypto';
import { editorDefaults, isPackType } from './editor-defaults';

/** A node of a Node-RED flow file: id, type, and whatever properties the node type defines. */
export type FlowNode = { id: string; type: string; [property: string]: unknown };

/**
 * Builds a flow file in code so the shipped JSON stays consistent with the asset presets. Ids are derived from
 * a readable key, so regenerating the flow gives the same ids and a diff shows only what really changed.
 */
export class FlowBuilder {
  readonly nodes: FlowNode[] = [];
  private readonly ids = new Set<string>();

  static idFor(key: string): string {
    return createHash('sha256').update(key).digest('hex').slice(0, 16);
  }

  /**
   * Adds a node and returns its id. `wires` are filled in by `wire`. A node of this pack gets every property its
   * editor defines, at the editor's default where the flow does not set it, as the editor itself saves nodes.
   */
  add(key: string, node: Omit<FlowNode, 'id'>): string {
    const id = FlowBuilder.idFor(key);
    if (this.ids.has(id)) throw new Error(`flow key "${key}" used twice`);
    this.ids.add(id);
    const type = String(node.type);
    const unset = Object.entries(isPackType(type) ? editorDefaults(type) : {}).filter(([property]) => !(property in node));
    this.nodes.push({ ...node, ...structuredClone(Object.fromEntries(unset)), id } as FlowNode);
    return id;
  }

  /** Adds a node placed on a tab at grid position (column, row). */
  place(key: string, tab: string, column: number, row: number, node: Omit<FlowNode, 'id'>): string {
    const outputs = typeof node.outputs === 'number' ? node.outputs : 1;
    return this.add(key, { z: tab, x: 160 + column * 220, y: 60 + row * 60, wires: Array.from({ length: outputs }, () => []), ...node });
  }

  /** A function node with the given code, placed like `place`. */
  placeFunction(key: string, tab: string, column: number, row: number, name: string, func: string, outputs = 1): string {
    return this.place(key, tab, column, row, { type: 'function', name, func, outputs, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [] });
  }

  /** A change node setting `msg.<property>` to a constant (JSON when `type` is 'json'), a property or an expression. */
  placeSet(key: string, tab: string, column: number, row: number, name: string, rules: Array<{ p: string; to: string; tot: 'str' | 'json' | 'num' | 'msg' | 'jsonata' }>): string {
    return this.place(key, tab, column, row, { type: 'change', name, rules: rules.map((r) => ({ t: 'set', pt: 'msg', ...r })) });
  }

  /** A link-in node: the end, on its tab, of messages `linkFrom` sends from other tabs. */
  placeLinkIn(key: string, tab: string, column: number, row: number, name: string): string {
    return this.place(key, tab, column, row, { type: 'link in', name, links: [] as string[] });
  }

  /** Sends what `source` emits on `port` to a link-in node on another tab, through a link-out node beside it. */
  linkFrom(linkIn: string, source: string, port = 0): void {
    const from = this.node(source);
    const target = this.node(linkIn);
    const links = target.links as string[];
    const out = this.add(`link:${source}:${port}->${linkIn}`, { type: 'link out', name: `to ${String(target.name)}`, mode: 'link', links: [linkIn], wires: [],
      z: from.z, x: Number(from.x) + 120, y: Number(from.y) + 30 + 20 * links.length });
    links.push(out);
    this.wire(source, out, port);
  }

  wire(from: string, to: string, port = 0): void {
    const node = this.node(from);
    const wires = node.wires as string[][];
    while (wires.length <= port) wires.push([]);
    wires[port].push(to);
  }

  node(id: string): FlowNode {
    const node = this.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`no node ${id} in the flow`);
    return node;
  }
}
