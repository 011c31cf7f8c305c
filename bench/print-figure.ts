/** One benchmark figure per line, labels aligned so a column of figures can be read at a glance. */
export function printFigure(label: string, figure: string): void {
  process.stdout.write(`${label.padEnd(58)} ${figure}\n`);
}
