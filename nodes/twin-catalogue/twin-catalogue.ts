import path from 'node:path';
import type { NodeAPI, NodeDef } from 'node-red';
import type { Request, Response } from 'express';
import { catalogueToJson, parseCatalogueJson } from '../../lib/catalogue/catalogue-json';
import { loadCatalogueFile, loadCatalogueText, summariseLoad, type CatalogueFormat } from '../../lib/catalogue/catalogue-load';
import { formatProblem, isError, type CatalogueLoad } from '../../lib/catalogue/catalogue-model';
import { CATALOGUE_NODE_TYPE, type TwinCatalogueNode } from '../common/catalogue';

interface TwinCatalogueDef extends NodeDef {
  source: 'inline' | 'file';
  /** Path of a .json catalogue or .csv tag list; relative paths start at the Node-RED user directory. */
  file: string;
  /** The catalogue JSON when the source is inline. */
  catalogue: string;
}

/** Problems written to the log one by one; the rest are counted, and all are in the editor's check. */
const PROBLEMS_LOGGED = 20;

export = function register(RED: NodeAPI): void {
  const userDir = (): string => (RED.settings as { userDir?: string }).userDir ?? process.cwd();
  const resolveFile = (file: string): string => path.resolve(userDir(), file);

  function TwinCatalogue(this: TwinCatalogueNode, def: TwinCatalogueDef): void {
    RED.nodes.createNode(this, def);
    let load: CatalogueLoad;
    try {
      if (def.source === 'file') {
        if (!def.file?.trim()) throw new Error('no catalogue file given');
        load = loadCatalogueFile(resolveFile(def.file.trim()));
      } else {
        load = parseCatalogueJson(def.catalogue || '{"assets": []}');
      }
    } catch (err) {
      load = { catalogue: { assets: [] }, problems: [] };
      this.failure = err instanceof Error ? err.message : String(err);
    }
    this.catalogue = load.catalogue;
    this.problems = load.problems;
    const fatal = load.problems.find((p) => p.effect === 'nothing loaded');
    if (fatal) this.failure = formatProblem(fatal);
    if (!this.failure && load.catalogue.assets.length === 0) this.failure = 'the catalogue holds no valid asset';
    if (this.failure) {
      this.error(`catalogue "${def.name || def.id}" did not load: ${this.failure}`);
      return;
    }
    for (const problem of load.problems.slice(0, PROBLEMS_LOGGED)) {
      if (isError(problem)) this.warn(formatProblem(problem));
      else this.log(formatProblem(problem));
    }
    if (load.problems.length > PROBLEMS_LOGGED) this.warn(`… and ${load.problems.length - PROBLEMS_LOGGED} more problems: check the catalogue in the editor`);
    this.log(summariseLoad(load));
  }
  RED.nodes.registerType(CATALOGUE_NODE_TYPE, TwinCatalogue);

  const reply = (res: Response, load: CatalogueLoad & { format: 'json' | 'csv' }): void => {
    res.json({
      format: load.format,
      summary: summariseLoad(load),
      json: catalogueToJson(load.catalogue),
      problems: load.problems.map((p) => ({ text: formatProblem(p), error: isError(p) })),
    });
  };

  // The editor's import and check: pasted or uploaded JSON or CSV goes through the same parser the runtime uses.
  RED.httpAdmin.post('/twin-catalogue/check', RED.auth.needsPermission('twin-catalogue.write'), (req: Request, res: Response) => {
    const body = (req.body ?? {}) as { text?: unknown; format?: unknown; base?: unknown };
    if (typeof body.text !== 'string') {
      res.status(400).json({ error: 'send {text, format: auto|json|csv, base?}' });
      return;
    }
    const format: CatalogueFormat = body.format === 'json' || body.format === 'csv' ? body.format : 'auto';
    const base = typeof body.base === 'string' && body.base.trim() ? parseCatalogueJson(body.base).catalogue : undefined;
    reply(res, loadCatalogueText(body.text, format, base));
  });

  RED.httpAdmin.post('/twin-catalogue/check-file', RED.auth.needsPermission('twin-catalogue.write'), (req: Request, res: Response) => {
    const raw = (req.body as { file?: unknown } | undefined)?.file;
    // The editor shows the property as written; the runtime substitutes ${VARIABLE} references, so the check does too.
    const file = typeof raw === 'string' ? raw.trim().replace(/\$\{(\w+)\}/g, (_m, name: string) => process.env[name] ?? '') : undefined;
    if (file === undefined || !/\.(json|csv)$/i.test(file)) {
      res.status(400).json({ error: 'the catalogue file must be a .json or .csv file' });
      return;
    }
    try {
      reply(res, loadCatalogueFile(resolveFile(file)));
    } catch (err) {
      res.status(404).json({ error: err instanceof Error ? err.message : String(err) });
    }
  });
};
