import path from 'node:path';

/**
 * The RUL model shipped in the package, trained on the simulated plant's run-to-failure data by
 * `npm run train:default`. Resolved from the compiled file's place: dist/lib/rul → <package>/models.
 */
export const DEFAULT_MODEL_FILE = path.resolve(__dirname, '..', '..', '..', 'models', 'default-rul.onnx');
