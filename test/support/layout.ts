import type { Page } from 'playwright-core';

/** The two window sizes a control-room screen and a laptop give the dashboard (issue 18, item 5). */
export const SCREEN_SIZES = [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }] as const;

/**
 * What is wrong with the layout of the dashboard page as the browser laid it out, one sentence per fault: a button,
 * label, title or table cell whose text is wider than its box (scrollWidth > clientWidth: cut off or spilling out),
 * a card whose content is wider than the card or which reaches past the window's right edge, two controls
 * (buttons, inputs, selects) or two widgets whose boxes overlap, and buttons side by side whose tops differ (a staggered row). Only what is displayed counts; a control inside another (an input
 * inside its md-input-container) is not an overlap.
 */
export function layoutFaults(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const faults: string[] = [];
    const shown = (e: Element): boolean => {
      const box = e.getBoundingClientRect();
      const style = getComputedStyle(e);
      return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
    };
    const describe = (e: Element): string => {
      const text = (e as HTMLElement).innerText?.trim().replace(/\s+/g, ' ').slice(0, 60) ?? '';
      const card = e.closest('md-card')?.querySelector('.nr-dashboard-cardtitle')?.textContent?.trim() ?? '';
      return `${e.tagName.toLowerCase()}${e.className && typeof e.className === 'string' ? `.${e.className.trim().split(/\s+/).join('.')}` : ''} "${text}"${card ? ` in card "${card}"` : ''}`;
    };
    // One pixel of rounding between scrollWidth and clientWidth is layout arithmetic, not a clipped character.
    const textBoxes = 'button, .md-button, label, .label, .value, th, td, .nr-dashboard-cardtitle, .md-toolbar-tools h1, md-select, option, input';
    for (const e of Array.from(document.querySelectorAll(textBoxes))) {
      if (!shown(e) || e.closest('.nr-dashboard-chart, canvas, svg')) continue;
      if (e.scrollWidth > e.clientWidth + 1) faults.push(`clipped: ${describe(e)} needs ${e.scrollWidth} px in ${e.clientWidth} px`);
    }
    const windowWidth = document.documentElement.clientWidth;
    for (const card of Array.from(document.querySelectorAll('md-card.nr-dashboard-template, ui-card-panel, .nr-dashboard-widget'))) {
      if (!shown(card)) continue;
      if (card.scrollWidth > card.clientWidth + 1) faults.push(`overflowing: ${describe(card)} holds ${card.scrollWidth} px in ${card.clientWidth} px`);
    }
    for (const group of Array.from(document.querySelectorAll('ui-card-panel'))) {
      const box = group.getBoundingClientRect();
      if (shown(group) && box.right > windowWidth + 1) faults.push(`off screen: group ${describe(group.querySelector('.nr-dashboard-cardtitle') ?? group)} ends at ${Math.round(box.right)} px in a ${windowWidth} px window`);
    }
    const widgets = Array.from(document.querySelectorAll('md-card[node-id]')).filter(shown);
    for (let i = 0; i < widgets.length; i++) {
      for (let j = i + 1; j < widgets.length; j++) {
        const [p, q] = [widgets[i].getBoundingClientRect(), widgets[j].getBoundingClientRect()];
        if (Math.min(p.right, q.right) - Math.max(p.left, q.left) > 1 && Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top) > 1) {
          faults.push(`overlapping widgets: ${describe(widgets[i])} and ${describe(widgets[j])}`);
        }
      }
    }
    const controls = Array.from(document.querySelectorAll('button, .md-button, input:not([type=hidden]), select, textarea, md-select, md-slider, md-checkbox, md-switch'))
      .filter(shown);
    for (let i = 0; i < controls.length; i++) {
      for (let j = i + 1; j < controls.length; j++) {
        const [a, b] = [controls[i], controls[j]];
        if (a.contains(b) || b.contains(a)) continue;
        const [p, q] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
        const overlapX = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        const overlapY = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (overlapX > 1 && overlapY > 1) faults.push(`overlapping: ${describe(a)} and ${describe(b)}`);
        // Two buttons side by side (most of their height shared) with tops apart: a staggered row.
        const buttons = [a, b].every((e) => e.matches('button, .md-button'));
        if (buttons && overlapX <= 1 && overlapY > Math.min(p.height, q.height) / 2 && Math.abs(p.top - q.top) > 2) {
          faults.push(`misaligned: ${describe(a)} at ${Math.round(p.top)} px and ${describe(b)} at ${Math.round(q.top)} px`);
        }
      }
    }
    return faults;
  });
}
