export * from './report/build-report.ts';
export * from './report/render-text.ts';
export * from './report/render-html.ts';
export * from './detectors/registry.ts';
export * from './detectors/detector.ts';
export * from './window/run-window.ts';
