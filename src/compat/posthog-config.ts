// The answers posthog-js needs before it sends events: remote config and flags, saying "no flags, no recording". Pure.

/** The remote config posthog-js reads from /array/<key>/config(.js): every optional feature off, events to /i/v0/e/. */
export function remoteConfig(token: string) {
  return {
    token,
    supportedCompression: ["gzip", "gzip-js"],
    hasFeatureFlags: false,
    captureDeadClicks: false,
    capturePerformance: false,
    autocapture_opt_out: false,
    autocaptureExceptions: false,
    analytics: { endpoint: "/i/v0/e/" },
    elementsChainAsString: true,
    sessionRecording: false,
    heatmaps: false,
    surveys: false,
    defaultIdentifiedOnly: true,
    siteApps: [],
  };
}

/** The script form: posthog-js loads it with a <script> tag and reads window._POSTHOG_REMOTE_CONFIG[token]. */
export function remoteConfigScript(token: string): string {
  const key = JSON.stringify(token);
  const config = { ...remoteConfig(token) } as Record<string, unknown>;
  delete config.siteApps;
  return `(function(){window._POSTHOG_REMOTE_CONFIG=window._POSTHOG_REMOTE_CONFIG||{};window._POSTHOG_REMOTE_CONFIG[${key}]={config:${JSON.stringify(config)},siteApps:[]};})();\n`;
}

/**
 * /flags/?v=2 and the older /decide/: no flag is on (v2's `flags`, v1's `featureFlags`), nothing failed, and the
 * remote config's switches, which a /decide/ or /flags/?config=true caller reads from the same answer.
 */
export function flagsResponse(token: string, requestId: string) {
  return {
    ...remoteConfig(token),
    flags: {},
    featureFlags: {},
    featureFlagPayloads: {},
    errorsWhileComputingFlags: false,
    quotaLimited: [],
    requestId,
    config: { enable_collect_everything: true },
    toolbarParams: {},
    isAuthenticated: false,
  };
}
