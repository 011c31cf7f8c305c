'use strict';
// Node-RED settings for `npm start`: the pack loaded from this checkout, the contrib nodes from its node_modules,
// the editor and dashboard on 127.0.0.1 unless TWIN_HOST says otherwise (then admin credentials are required,
// see README "Exposing the twin").
const path = require('node:path');

const projectRoot = path.resolve(__dirname, '..');

// The reference flow reads the PLC addresses from these variables (${TWIN_OPCUA_ENDPOINT} etc. in its config
// nodes); the defaults are the simulated plant's.
process.env.TWIN_OPCUA_ENDPOINT = process.env.TWIN_OPCUA_ENDPOINT || 'opc.tcp://127.0.0.1:4840/UA/DigitalTwinPlant';
process.env.TWIN_MODBUS_HOST = process.env.TWIN_MODBUS_HOST || '127.0.0.1';
process.env.TWIN_MODBUS_PORT = process.env.TWIN_MODBUS_PORT || '5020';
// Hours of machine life per clock hour: the simulated plant wears 1440 times faster than the clock. Set 1 for a real plant.
process.env.TWIN_SPEEDUP = process.env.TWIN_SPEEDUP || '1440';

function adminAuth() {
  const username = process.env.TWIN_ADMIN_USER;
  const password = process.env.TWIN_ADMIN_PASSWORD_HASH;
  if (!username || !password) return undefined;
  return { type: 'credentials', users: [{ username, password, permissions: '*' }] };
}

function dashboardAuth() {
  const user = process.env.TWIN_DASHBOARD_USER;
  const pass = process.env.TWIN_DASHBOARD_PASSWORD_HASH;
  return user && pass ? { user, pass } : undefined;
}

module.exports = {
  uiHost: process.env.TWIN_HOST || '127.0.0.1',
  uiPort: Number(process.env.TWIN_PORT || 1880),
  flowFile: 'flows.json',
  flowFilePretty: true,
  nodesDir: [projectRoot],
  adminAuth: adminAuth(),
  httpNodeAuth: dashboardAuth(),
  ui: { path: 'ui' },
  contextStorage: {
    default: { module: 'localfilesystem', config: { flushInterval: 10 } },
  },
  logging: { console: { level: process.env.TWIN_LOG_LEVEL || 'info', metrics: false, audit: false } },
  diagnostics: { enabled: false },
  // A plant network is usually closed: no update pings, and no consent prompt in the operator's editor.
  telemetry: { enabled: false, updateNotification: false },
  editorTheme: {
    projects: { enabled: false },
    // No palette catalogue from the internet: plant networks are closed. Install palettes with npm in the user dir.
    palette: { catalogues: [] },
    tours: false,
    page: { title: 'Digital twin' },
    header: { title: 'Digital twin' },
  },
  functionExternalModules: false,
};
