// Event names from the clients' vocabularies onto edgeloop's lower snake case, and the protocol events accepted unregistered.

/** posthog-js / posthog-node's own events (their `$` names are reserved for the SDK) and PostHog's survey events. */
export const POSTHOG_STANDARD_EVENTS: Readonly<Record<string, string>> = {
  $pageview: "page_view",
  $pageleave: "page_leave",
  $screen: "screen_view",
  $identify: "identify",
  $create_alias: "alias",
  $groupidentify: "group",
  $set: "set_person_properties",
  $autocapture: "autocapture",
  $copy_autocapture: "copy_autocapture",
  $rageclick: "rage_click",
  $dead_click: "dead_click",
  $exception: "exception",
  $web_vitals: "web_vitals",
  $feature_flag_called: "feature_flag_called",
  $opt_in: "opt_in",
  "survey shown": "survey_shown",
  "survey sent": "survey_sent",
  "survey dismissed": "survey_dismissed",
};

/** Segment's call types other than track: each is one event. */
export const SEGMENT_TYPE_EVENTS: Readonly<Record<string, string>> = {
  page: "page_view",
  screen: "screen_view",
  identify: "identify",
  group: "group",
  alias: "alias",
};

/**
 * Names a compat route accepts without the project registering them: the protocols' own events, which the SDKs send
 * by themselves. A team's custom events (`track("Order Completed")` → `order_completed`) are registered as usual.
 */
export const COMPAT_STANDARD_NAMES: ReadonlySet<string> = new Set([...Object.values(POSTHOG_STANDARD_EVENTS), ...Object.values(SEGMENT_TYPE_EVENTS)]);

/**
 * Lower snake case, at most 64 characters: `Order Completed` → `order_completed`, `signupClicked` → `signup_clicked`,
 * `$custom-thing` → `custom_thing`, `2fa enabled` → `e_2fa_enabled`. Null when nothing is left (a name without
 * Latin letters or digits): such an event is rejected as invalid_event_name.
 */
export function snakeCaseName(name: string): string | null {
  const snake = name
    .normalize("NFKC")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (!snake) return null;
  const prefixed = /^[0-9]/.test(snake) ? `e_${snake}` : snake;
  return prefixed.slice(0, 64).replace(/_+$/, "");
}

/** A PostHog event name: the standard table first, then snake case. */
export function postHogEventName(event: string): string | null {
  return POSTHOG_STANDARD_EVENTS[event] ?? snakeCaseName(event);
}
