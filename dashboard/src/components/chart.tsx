'use client';
// The one place that touches echarts at run time: init, setOption, resize, dispose.
// Only the parts the option builders use are registered, to keep the bundle small.
import { BarChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import { BrushComponent, DataZoomComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import type { EChartsOption } from 'echarts';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([LineChart, HeatmapChart, ScatterChart, BarChart, BrushComponent, DataZoomComponent, GridComponent, LegendComponent, MarkAreaComponent,
  MarkLineComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

const fourDigits = (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v ?? '-'));

/**
 * Four significant digits in the time charts' tooltips (190.7 MiB, not 190.7350549697876). A
 * function cannot cross from the server's option builders, so it is added here, in the browser;
 * item tooltips (scatter, heatmap) keep echarts' own, which formats their time dimension.
 */
function readable(option: EChartsOption): EChartsOption {
  const t = option.tooltip;
  if (!t || Array.isArray(t) || t.trigger !== 'axis') return option;
  return { ...option, tooltip: { valueFormatter: (v) => (Array.isArray(v) ? v.map(fourDigits).join('  ') : fourDigits(v)), ...t } };
}

/** A brushed time range (charts/zoom.ts's lineX brush) becomes a zoom to it, and the band goes away. */
function zoomOnBrush(c: echarts.ECharts): void {
  c.on('brushEnd', (p) => {
    const range = (p as { areas?: { coordRange?: unknown }[] }).areas?.[0]?.coordRange;
    if (!Array.isArray(range) || typeof range[0] !== 'number' || typeof range[1] !== 'number') return;
    const [from, to] = [Math.min(range[0], range[1]), Math.max(range[0], range[1])];
    c.dispatchAction({ type: 'brush', areas: [] });
    if (to > from) c.dispatchAction({ type: 'dataZoom', startValue: from, endValue: to });
  });
}

/** A chart whose option has a brush draws one with the mouse: a drag across the plot selects a time range. */
function armBrush(c: echarts.ECharts, option: EChartsOption): void {
  if (option.brush) c.dispatchAction({ type: 'takeGlobalCursor', key: 'brush', brushOption: { brushType: 'lineX', brushMode: 'single' } });
}

/**
 * `group`: charts of one group are connected (echarts.connect): a zoom on one zooms all, and the
 * crosshair follows across them. Their options span the same time window (charts/zoom.ts).
 * `linkPrefix`: a click on a data item named by its builder opens `linkPrefix + name` (a run).
 */
export function Chart({ option, label, height = 260, group, linkPrefix }: { option: EChartsOption; label: string; height?: number; group?: string; linkPrefix?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const shown = useRef(false);

  useEffect(() => {
    if (!el.current) return undefined;
    const c = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    if (group) {
      c.group = group;
      echarts.connect(group);
    }
    if (linkPrefix) {
      c.on('click', (p) => { if (typeof p.name === 'string' && p.name !== '') window.location.assign(`${linkPrefix}${encodeURIComponent(p.name)}`); });
    }
    zoomOnBrush(c);
    // The zoom in percent of the window, on the element: what a test (or a reader's devtools) can see.
    c.on('datazoom', () => {
      const z = (c.getOption().dataZoom as { start?: number; end?: number }[] | undefined)?.[0];
      if (z && el.current) el.current.dataset.zoom = `${Math.round(z.start ?? 0)}-${Math.round(z.end ?? 100)}`;
    });
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    const print = (): void => c.resize();
    window.addEventListener('beforeprint', print);
    return () => {
      window.removeEventListener('beforeprint', print);
      ro.disconnect();
      c.dispose();
      chart.current = null;
      shown.current = false;
    };
  }, [group, linkPrefix]);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    // A live refresh brings a new option: keep the reader's zoom instead of snapping back.
    const zoom = shown.current ? (c.getOption().dataZoom as { start?: number; end?: number }[] | undefined)?.[0] : undefined;
    c.setOption(readable(option), { notMerge: true });
    armBrush(c, option);
    shown.current = true;
    if (zoom && (zoom.start !== 0 || zoom.end !== 100)) c.dispatchAction({ type: 'dataZoom', start: zoom.start, end: zoom.end });
  }, [option]);

  return <div ref={el} className="chart" role="img" aria-label={label} data-chart={label} data-group={group} data-link={linkPrefix} style={{ height }} />;
}
