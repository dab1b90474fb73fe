import { fireEvent, render, screen } from '@testing-library/react';
import { beforeAll, describe, expect, it } from 'vitest';
import { installDomPolyfills } from '../../app/testUtils';
import { LineChart } from './LineChart';

beforeAll(installDomPolyfills);

const T0 = Date.parse('2026-01-01T12:00:00Z');

describe('LineChart', () => {
  it('draws each series with a legend, axis ticks with the unit, and values under the pointer', () => {
    const { container } = render(
      <LineChart
        label="Latency"
        unit="ms"
        from={T0}
        to={T0 + 60_000}
        lines={[
          { key: 'p50', label: 'p50', points: [{ t: T0, v: 10 }, { t: T0 + 30_000, v: null }, { t: T0 + 60_000, v: 20 }] },
          { key: 'p99', label: 'p99', points: [{ t: T0, v: 40 }, { t: T0 + 30_000, v: 80 }, { t: T0 + 60_000, v: 60 }] },
        ]}
      />,
    );
    const svg = screen.getByRole('img', { name: 'Latency' });
    const paths = container.querySelectorAll('path');
    expect(paths).toHaveLength(2);
    // The gap splits p50 into two pen strokes.
    expect(paths[0]!.getAttribute('d')!.match(/M/g)).toHaveLength(2);
    expect(screen.getByText('80 ms')).toBeInTheDocument();
    expect(screen.getByText('p99')).toBeInTheDocument();
    expect(screen.queryByRole('tooltip')).not.toBeInTheDocument();

    // The plot spans x = 58 … 548 of the 560-wide fallback: its middle is the 30 s point.
    fireEvent.mouseMove(svg, { clientX: 58 + 245 });
    const tip = screen.getByRole('tooltip');
    expect(tip).toHaveTextContent('p50—');
    expect(tip).toHaveTextContent('p9980 ms');
    fireEvent.mouseLeave(svg);
    expect(screen.queryByRole('tooltip')).not.toBeInTheDocument();
  });
});
