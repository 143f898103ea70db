import type { EChartsOption } from 'echarts';

/** The run's window: every time chart of a page spans it, so a zoom in percent means the same time on each. */
export interface TimeWindow { readonly from_ms: number; readonly to_ms: number }

/**
 * A time chart made zoomable (the builders' x axis is a plain time axis): pinned to the run's
 * window, a wheel zoom inside the plot and, unless `compact`, a slider under it and a brush:
 * dragging across the plot selects a time range and zooms to it (the chart wrapper turns the
 * brush into a zoom). The wrapper connects the charts of one group, so zooming one zooms them
 * all and the crosshair follows across them.
 */
export function withTimeZoom(option: EChartsOption, window: TimeWindow, compact = false): EChartsOption {
  const grid = Array.isArray(option.grid) ? option.grid[0] : option.grid;
  return {
    ...option,
    xAxis: { type: 'time', min: window.from_ms, max: window.to_ms, splitNumber: compact ? 3 : 5, axisLabel: { hideOverlap: true } },
    // A small multiple's title names its host: no legend, more room for the plot.
    ...(compact ? { legend: { show: false } } : {}),
    tooltip: { trigger: 'axis', axisPointer: { type: 'cross', label: { show: false } } },
    grid: { ...grid, ...(compact ? { top: 16, bottom: 28 } : { bottom: 64 }) },
    ...(compact ? {} : { brush: { xAxisIndex: 0, brushType: 'lineX' as const, brushMode: 'single' as const, transformable: false, brushStyle: { color: 'rgba(42,119,170,0.15)', borderColor: 'rgba(42,119,170,0.6)' } } }),
    dataZoom: [
      { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
      ...(compact ? [] : [{ type: 'slider' as const, xAxisIndex: 0, filterMode: 'none' as const, height: 18, bottom: 8 }]),
    ],
  };
}
