/**
 * The central Fleet overview built from what a host tracker learns of real edge sessions (births, data, urgency
 * records, deaths, model versions) and the sites and lines of the central catalogue.
 */
import assert from 'node:assert/strict';
import { parseCatalogueJson } from '../lib/catalogue/catalogue-json';
import { decodePayload } from '../lib/sparkplug/codec';
import { EdgeSession } from '../lib/sparkplug/edge-session';
import { FleetView, placesOfCatalogue } from '../lib/sparkplug/fleet-view';
import { HostTracker } from '../lib/sparkplug/host-tracker';
import { samplesOfPayload } from '../lib/sparkplug/metrics';
import { parseTopic } from '../lib/sparkplug/topic';

const T0 = Date.UTC(2026, 5, 1, 8);
const MINUTE = 60000;

const reading = (asset: string, ts: number) => ({ asset, sensor: 'bearingTemp', value: 41, unit: '°C', ts, quality: 'good' });
const urgency = (asset: string, level: string, rulHours: number, ts: number) =>
  ({ kind: 'urgency', asset, ts, level, previous: 'NORMAL', changed: true, rulHours, basisHours: rulHours, actions: [], modelVersion: 'sha-abc' });

function catalogueAsset(id: string, site: string, line: string, cell?: string) {
  return { id, name: id, type: 'cnc-spindle', site, line, ...(cell ? { cell } : {}), ratings: { nominalRpm: 12000 }, sensors: [{ id: 'bearingTemp', unit: '°C' }] };
}

describe('Sparkplug B Fleet overview', function () {
  const tracker = new HostTracker();
  const view = new FleetView();
  /** Publishes a payload of the pack's messages from an edge session and hands what the host rebuilt to the view. */
  const deliver = (messages: Array<{ topic: string; payload: Uint8Array }>, at: number): void => {
    for (const m of messages) {
      const update = tracker.handle(parseTopic(m.topic)!, decodePayload(m.payload), at);
      assert.deepEqual(update.problems, []);
      for (const { origin, elements } of update.data) view.observe(origin, elements, at);
    }
  };
  const send = (session: EdgeSession, payload: unknown[], historical: boolean, at: number): void => {
    const { devices, problems } = samplesOfPayload(payload);
    assert.deepEqual(problems, []);
    deliver(devices.flatMap((d) => session.data(d.asset, d.samples, historical, at)), at);
  };

  const north = new EdgeSession('acme', 'north-gw', 1);
  const south = new EdgeSession('acme', 'south-gw', 1);
  const { catalogue, problems } = parseCatalogueJson(JSON.stringify({
    format: 'digital-twin-asset-catalogue', version: 1,
    assets: [catalogueAsset('spindle-n1', 'north', 'machining', 'c1'), catalogueAsset('spindle-n2', 'north', 'machining', 'c2'), catalogueAsset('spindle-s1', 'south', 'grinding')],
  }));
  const placeOf = placesOfCatalogue(catalogue.assets);

  before(function () {
    assert.deepEqual(problems, []);
    north.setNodeMetric('Models/RUL/Version', 'String', 'sha-111', T0, false);
    south.setNodeMetric('Models/RUL/Version', 'String', 'sha-222', T0, false);
    deliver(north.births(T0), T0);
    deliver(south.births(T0), T0);
    send(north, [reading('spindle-n1', T0), reading('spindle-n2', T0), urgency('spindle-n1', 'NORMAL', 900, T0)], false, T0);
    send(south, [reading('spindle-s1', T0), urgency('spindle-s1', 'WARNING', 120, T0)], false, T0);
  });

  it('shows every edge node with its devices, their site, line and cell, the model it runs, most urgent first', function () {
    const overview = view.build(tracker.fleet(), T0 + 30000, placeOf);
    assert.deepEqual(overview.map((e) => [e.edge, e.site, e.level, e.online, e.models]), [
      ['south-gw', 'south', 'WARNING', true, [{ type: 'RUL', version: 'sha-222' }]],
      ['north-gw', 'north', 'NORMAL', true, [{ type: 'RUL', version: 'sha-111' }]],
    ]);
    const northEntry = overview[1];
    assert.deepEqual(northEntry.devices.map((d) => [d.device, d.site, d.line, d.cell, d.urgency?.level, d.urgency?.rulHours]), [
      ['spindle-n1', 'north', 'machining', 'c1', 'NORMAL', 900],
      ['spindle-n2', 'north', 'machining', 'c2', undefined, undefined],
    ], 'a device with an estimate before one still waiting for its first');
    assert.equal(northEntry.devicesOnline, 2);
    assert.equal(northEntry.lastDataAgeS, 30);
    assert.equal(overview[0].devices[0].urgency?.modelVersion, 'sha-abc');
  });

  it('puts a site whose device turns CRITICAL on top; a replayed older estimate does not override the newer one', function () {
    send(north, [urgency('spindle-n2', 'CRITICAL', 30, T0 + MINUTE)], false, T0 + MINUTE);
    send(north, [urgency('spindle-n2', 'NORMAL', 2000, T0 - MINUTE), reading('spindle-n2', T0 - MINUTE)], true, T0 + 2 * MINUTE);
    const overview = view.build(tracker.fleet(), T0 + 2 * MINUTE, placeOf);
    assert.deepEqual(overview.map((e) => [e.edge, e.level]), [['north-gw', 'CRITICAL'], ['south-gw', 'WARNING']]);
    assert.deepEqual(overview[0].devices.map((d) => [d.device, d.urgency?.level]), [['spindle-n2', 'CRITICAL'], ['spindle-n1', 'NORMAL']]);
    assert.equal(overview[0].devices[0].lastDataAt, T0 + MINUTE, 'replayed data is not what was last heard live');
  });

  it('marks an edge node and its devices offline since its death certificate, the age of its last data still counting', function () {
    const deathAt = T0 + 3 * MINUTE;
    deliver([{ topic: 'spBv1.0/acme/NDEATH/south-gw', payload: south.death(deathAt) }], deathAt);
    const overview = view.build(tracker.fleet(), deathAt + 5 * MINUTE, placeOf);
    const southEntry = overview.find((e) => e.edge === 'south-gw')!;
    assert.deepEqual([southEntry.online, southEntry.since, southEntry.devicesOnline], [false, deathAt, 0]);
    assert.deepEqual(southEntry.devices.map((d) => [d.device, d.online, d.since]), [['spindle-s1', false, deathAt]]);
    assert.equal(southEntry.lastDataAgeS, 8 * 60, 'last data at T0, 8 minutes before');
    assert.equal(southEntry.level, 'WARNING', 'the last urgency it sent stays visible');

    south.startSession(2);
    const back = T0 + 10 * MINUTE;
    deliver(south.births(back), back);
    const again = view.build(tracker.fleet(), back, placeOf).find((e) => e.edge === 'south-gw')!;
    assert.deepEqual([again.online, again.since], [true, back]);
  });

  it('without a catalogue the group stands for the site and devices have no line', function () {
    const overview = view.build(tracker.fleet(), T0 + 11 * MINUTE);
    assert.deepEqual(overview.map((e) => e.site), ['acme', 'acme']);
    assert.equal(overview[0].devices[0].line, undefined);
  });
});
