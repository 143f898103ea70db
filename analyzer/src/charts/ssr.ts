// The one server-side home of echarts at run time (the dashboard's client wrapper,
// dashboard/src/components/chart.tsx, is the other): option in, SVG text out, no DOM.
// It is loaded lazily by report/render-html.ts, so roles that never render HTML never load it.
import type { EChartsOption } from 'echarts';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([LineChart, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, SVGRenderer]);

/** Options of the interactive dashboard that mean nothing in a still picture. */
const INTERACTIVE = ['tooltip', 'dataZoom', 'toolbox', 'brush'] as const;

/** Renders one chart option to a standalone `<svg>` string (server-side rendering, no animation). */
export function renderSvg(option: EChartsOption, width: number, height: number): string {
  const still: EChartsOption = { ...option, animation: false };
  for (const k of INTERACTIVE) delete still[k];
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(still);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
