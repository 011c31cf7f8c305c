import type { AssetDefinition } from '../lib/asset/asset-model';
import { PLANT_ASSETS, PLANT_CONTROL_NODE_ID, PLANT_UNIT_ID } from '../lib/asset/presets';

/**
 * The simulated plant's tag map as a Markdown table, generated from the asset presets so the README can never
 * disagree with what the simulator serves (a test compares them).
 */
export function tagTable(assets: readonly AssetDefinition[] = PLANT_ASSETS): string {
  const lines = [
    '| asset | sensor | unit | OPC UA node id | Modbus register | type | word order | scale | writable |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const asset of assets) {
    for (const s of asset.sensors) {
      const m = s.modbus;
      const modbus = m ? [String(m.address), m.dataType, m.dataType.endsWith('32') ? m.wordOrder : '', String(m.scale), m.writable ? 'yes' : ''] : ['', s.kind === 'waveform' ? `float[] @ ${s.sampleRate} Hz` : '', '', '', ''];
      lines.push(`| ${asset.id} | ${s.id} | ${s.unit} | \`${s.opcuaNodeId ?? ''}\` | ${modbus.join(' | ')} |`);
    }
  }
  lines.push(`| plant | control | text | \`${PLANT_CONTROL_NODE_ID}\` | | string | | | yes |`);
  return `${lines.join('\n')}\n\nModbus TCP unit id ${PLANT_UNIT_ID}, holding registers (function 3; writes with 6/16), 0-based addresses. ` +
    'Engineering value = raw × scale + offset (offset 0 throughout).\n';
}
