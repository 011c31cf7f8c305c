/** Child process: tries to open the embedded database on a folder and reports how that went. argv: <data folder> */
import { acquireEmbedded } from '../../lib/historian/embedded/embedded-registry';

acquireEmbedded(process.argv[2], () => undefined).then((db) => {
  process.send?.('opened');
  db.release();
}, (err: Error) => process.send?.(err.message));
