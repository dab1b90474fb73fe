// A series' name for people: its translation when there is one, else the metric name itself.
import type { Translate } from '../../i18n';

export function seriesLabel(t: Translate, name: string): string {
  const key = `mon.series.${name}`;
  const text = t(key);
  return text === key ? name : text;
}
