import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

const NODES_DIR = path.resolve(__dirname, '..', '..', '..', 'nodes');

/** A node type's properties and their default values, as its editor definition (nodes/<type>/<type>.html) declares them. */
export type EditorDefaults = Record<string, unknown>;

const cache = new Map<string, EditorDefaults>();

/**
 * Reads the defaults from the node's own editor script, so a generated flow carries every property the editor
 * validates: the editor gives a property missing from an imported flow no default and flags the node invalid.
 */
export function editorDefaults(type: string): EditorDefaults {
  const cached = cache.get(type);
  if (cached) return cached;
  const html = fs.readFileSync(path.join(NODES_DIR, type, `${type}.html`), 'utf8');
  const script = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (!script) throw new Error(`${type}.html has no editor script`);
  const registered = new Map<string, { defaults: Record<string, { value: unknown }> }>();
  const validator = (): (() => boolean) => () => true;
  const RED = {
    nodes: { registerType: (name: string, definition: { defaults: Record<string, { value: unknown }> }) => registered.set(name, definition), node: () => null },
    validators: { number: validator, regex: validator, typedInput: validator },
    _: (key: string) => key,
  };
  vm.runInNewContext(script, { RED });
  const definition = registered.get(type);
  if (!definition) throw new Error(`${type}.html does not register ${type}`);
  const defaults: EditorDefaults = {};
  for (const [property, { value }] of Object.entries(definition.defaults)) defaults[property] = structuredClone(value);
  cache.set(type, defaults);
  return defaults;
}

/** True for the node types of this pack, whose editor definitions live under nodes/. */
export function isPackType(type: string): boolean {
  return type.startsWith('twin-') && fs.existsSync(path.join(NODES_DIR, type, `${type}.html`));
}
