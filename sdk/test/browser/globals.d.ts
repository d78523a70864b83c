// What the test pages put on window (page.html, react-app.tsx), for the code that runs in them.
import type { Analytics, AnalyticsError, AnalyticsOptions, createAnalytics } from "../../src/index";

declare global {
  interface Window {
    edgeloop: { createAnalytics: typeof createAnalytics };
    analytics: Analytics;
    errors: AnalyticsError[];
    cfg: AnalyticsOptions;
    tracked: string[];
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    chromiumPath: string;
  }
}
