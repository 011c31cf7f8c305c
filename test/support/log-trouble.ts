/** Lines of a Node-RED log that an operator would have to look into: errors, uncaught warnings and rejections. */
export function troubleLines(log: string): string[] {
  return log.split('\n').filter((line) => /\[error\]/.test(line)
    || /\(node:\d+\) \S*Warning/.test(line)
    || /Unhandled(Promise)?Rejection|uncaught exception|unhandled error/i.test(line));
}
