// The labelled PII corpus: keys and values, personal data or not, from issue 8 §3, posthog-js, Segment and beyond.

/**
 * - `set` says where a case comes from. `posthog` and `segment` are the standard properties a real SDK sends
 *   (posthog-js's `$pageview`: getEventProperties, calculateEventProperties, the page-view and session-props managers;
 *   Segment analytics.js `page`/`track`: the event envelope, the env-enrichment plugin's context, the page and
 *   e-commerce specs), flattened with dots.
 * - `via: "identifier"` cases are top-level ids (user_id, unit_id, a JWT's sub), screened as an identifier;
 *   the others are a `properties` (or `context`) entry `{ [key]: value }`.
 * - `issue` marks the reproducers quoted in issue 8 §3.
 * - `tradeOff` marks a harmless value the guard refuses on purpose (docs/ingestion.md §3 names each).
 */
export type CorpusCase = {
  set: "posthog" | "segment" | "seed002" | "pii-keys" | "pii-values" | "harmless-keys" | "harmless-values";
  key: string;
  value: unknown;
  pii: boolean;
  via?: "identifier";
  field?: "context" | "properties";
  issue?: true;
  tradeOff?: true;
};

const UA_CHROME = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const UUID7 = "018f4a2e-7b3c-7d4e-8f9a-0b1c2d3e4f5a";

const standard = (set: "posthog" | "segment" | "seed002", entries: Record<string, unknown>, issue: string[] = []): CorpusCase[] =>
  Object.entries(entries).map(([key, value]) => ({ set, key, value, pii: false, ...(issue.includes(key) ? { issue: true as const } : {}) }));

/** posthog-js `$pageview` properties (browser SDK 1.x). */
export const POSTHOG_PAGEVIEW = standard(
  "posthog",
  {
    $os: "Mac OS X",
    $os_version: "10.15.7",
    $browser: "Chrome",
    $device_type: "Desktop",
    $timezone: "Europe/Berlin",
    $timezone_offset: -60,
    $current_url: "https://app.example.com/pricing?plan=pro",
    $host: "app.example.com",
    $pathname: "/pricing",
    $raw_user_agent: UA_CHROME,
    $browser_version: 120,
    $browser_language: "en-US",
    $browser_language_prefix: "en",
    $screen_height: 1080,
    $screen_width: 1920,
    $viewport_height: 950,
    $viewport_width: 1903,
    $lib: "web",
    $lib_version: "1.200.2",
    $insert_id: "k3v9x2m1p7q4r8s5",
    $time: 1715000000.123,
    token: "phc_AbCdEf0123456789GhIjKlMnOpQrStUvWxYz",
    $config_defaults: "2025-05-24",
    distinct_id: UUID7,
    $device_id: "018f4a2e-7b3c-7d4e-8f9a-0b1c2d3e4f5b",
    $session_id: "018f4a2e-7b3c-7d4e-8f9a-0b1c2d3e4f5c",
    $window_id: "018f4a2e-7b3c-7d4e-8f9a-0b1c2d3e4f5d",
    $pageview_id: "018f4a2e-7b3c-7d4e-8f9a-0b1c2d3e4f5e",
    $is_identified: false,
    $process_person_profile: true,
    $lib_rate_limit_remaining_tokens: 99,
    $sdk_debug_retry_queue_size: 0,
    $referrer: "https://www.google.com/",
    $referring_domain: "www.google.com",
    $search_engine: "google",
    ph_keyword: "product analytics edge",
    title: "Pricing – Example",
    $prev_pageview_pathname: "/",
    $prev_pageview_id: "018f4a2e-7b3c-7d4e-8f9a-0b1c2d3e4f5f",
    $prev_pageview_duration: 12.5,
    $prev_pageview_last_scroll: 800,
    $prev_pageview_last_scroll_percentage: 0.42,
    $prev_pageview_max_scroll: 1200,
    $prev_pageview_max_scroll_percentage: 0.63,
    $prev_pageview_last_content: 760,
    $prev_pageview_last_content_percentage: 0.4,
    $prev_pageview_max_content: 1150,
    $prev_pageview_max_content_percentage: 0.6,
    $session_entry_url: "https://app.example.com/?utm_source=newsletter&utm_medium=email",
    $session_entry_host: "app.example.com",
    $session_entry_pathname: "/",
    $session_entry_referrer: "$direct",
    $session_entry_referring_domain: "$direct",
    $session_entry_utm_source: "newsletter",
    $session_entry_utm_medium: "email",
    $session_entry_utm_campaign: "spring_sale",
    $session_entry_utm_content: "hero_banner",
    $session_entry_utm_term: "analytics",
    utm_source: "newsletter",
    utm_medium: "email",
    utm_campaign: "spring_sale",
    utm_content: "hero_banner",
    utm_term: "analytics",
    gclid: "EAIaIQobChMI8pTb3Y2hhQMVxwGtBh0",
    fbclid: "IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk",
    $active_feature_flags: ["new-onboarding", "beta-dashboard"],
    "$feature/new-onboarding": true,
    "$feature/beta-dashboard": "test",
    $dead_clicks_enabled_server_side: false,
    $web_vitals_enabled_server_side: true,
    $exception_capture_enabled_server_side: false,
    $autocapture_disabled_server_side: false,
    $console_log_recording_enabled_server_side: true,
    $session_recording_start_reason: "recording_initialized",
    $replay_sample_rate: null,
    $replay_minimum_duration: null,
    $recording_status: "active",
    $sdk_debug_replay_internal_buffer_length: 3,
    $sdk_debug_replay_internal_buffer_size: 1024,
    $sdk_debug_current_session_duration: 65000,
    $sdk_debug_session_start: 1715000000000,
    $configured_session_timeout_ms: 1800000,
    $lib_custom_api_host: "https://ph.example.com",
    $browser_type: "browser",
    $duration: 3.2,
  },
  // Issue 8 §3: refused by the substring guard.
  [
    "$pathname", "$session_entry_pathname", "$prev_pageview_pathname", "token", "$lib_rate_limit_remaining_tokens",
    "$prev_pageview_last_content", "$prev_pageview_last_content_percentage", "$prev_pageview_max_content", "$prev_pageview_max_content_percentage",
  ],
);

/** Segment analytics.js (analytics-next) `page` and `track` events: envelope, context, page and e-commerce properties. */
export const SEGMENT_EVENTS = standard("segment", {
  type: "page",
  event: "Order Completed",
  messageId: "ajs-next-1715000000000-8c3e7f1a-2b4d-4e6f-9a1b-3c5d7e9f0a2b",
  anonymousId: "507f191e-810c-4a3b-9c1d-4e5f6a7b8c9d",
  userId: "u_8f3a2c",
  timestamp: "2026-11-10T12:00:00.000Z",
  sentAt: "2026-11-10T12:00:00.120Z",
  originalTimestamp: "2026-11-10T11:59:59.980Z",
  receivedAt: "2026-11-10T12:00:00.300Z",
  name: "Pricing",
  category: "Docs",
  "properties.name": "Pricing",
  "properties.path": "/pricing",
  "properties.referrer": "https://www.google.com/",
  "properties.search": "?utm_source=newsletter",
  "properties.title": "Pricing – Example",
  "properties.url": "https://www.example.com/pricing?utm_source=newsletter",
  "context.page.path": "/pricing",
  "context.page.referrer": "https://www.google.com/",
  "context.page.search": "?utm_source=newsletter&utm_content=hero",
  "context.page.title": "Pricing – Example",
  "context.page.url": "https://www.example.com/pricing?utm_source=newsletter&utm_content=hero",
  "context.userAgent": UA_CHROME,
  "context.userAgentData.mobile": false,
  "context.userAgentData.platform": "macOS",
  "context.userAgentData.brands.0.brand": "Chromium",
  "context.userAgentData.brands.0.version": "120",
  "context.userAgentData.uaFullVersion": "120.0.6099.129",
  "context.locale": "en-US",
  "context.library.name": "analytics.js",
  "context.library.version": "npm:next-1.66.0",
  "context.timezone": "Europe/Berlin",
  "context.campaign.name": "spring_sale",
  "context.campaign.source": "newsletter",
  "context.campaign.medium": "email",
  "context.campaign.term": "analytics",
  "context.campaign.content": "hero",
  "context.amp.id": "amp-X1y2Z3w4V5u6T7s8",
  "context.referrer.id": "4mf93k2",
  "context.referrer.type": "dataxu",
  "_metadata.bundled": ["Segment.io"],
  "_metadata.unbundled": [],
  "integrations.All": true,
  // Track "Order Completed" (e-commerce spec).
  order_id: "50314b8e9bcf000000000000",
  checkout_id: "fksdjfsdjfisjf9sdfjsd9f",
  affiliation: "Google Store",
  total: 27.5,
  subtotal: 22.5,
  revenue: 25,
  shipping: 3,
  tax: 2,
  discount: 2.5,
  coupon: "hasbros",
  currency: "USD",
  // Track "Product Viewed".
  product_id: "507f1f77bcf86cd799439011",
  sku: "G-32",
  brand: "Hasbro",
  variant: "200 pieces",
  price: 18.99,
  quantity: 1,
  position: 3,
  url: "https://www.example.com/product/path",
  image_url: "https://www.example.com/product/path.jpg",
});

/**
 * What the compatibility intake stores from posthog-node 5.x and posthog-js beyond the $pageview above (src/compat:
 * nested objects flattened with dots, `$set` person properties under `$set.`): identify, alias, groups, flags,
 * autocapture and exceptions, and the intake's own `$event_original` / `$compat_dropped_values`.
 */
export const POSTHOG_OTHER_EVENTS = standard("posthog", {
  $lib: "posthog-node",
  $lib_version: "5.70.0",
  $geoip_disable: true,
  $anon_distinct_id: "018f4a2e-7b3c-7d4e-8f9a-0b1c2d3e4f60",
  "$set.plan": "pro",
  "$set.$browser": "Chrome",
  "$set.$current_url": "https://app.example.com/",
  "$set_once.$initial_referrer": "$direct",
  "$set_once.$initial_referring_domain": "$direct",
  "$set_once.$initial_utm_source": "newsletter",
  "$set_once.$initial_pathname": "/",
  "$set_once.first_seen": "2026-01-01",
  alias: "anon-legacy-1",
  "$groups.company": "acme",
  $group_type: "company",
  $group_key: "acme",
  "$group_set.industry": "software",
  $feature_flag: "new-onboarding",
  $feature_flag_response: "test",
  $feature_flag_payload: null,
  $event_type: "click",
  $ce_version: 1,
  $el_text: "Start free trial",
  $elements_chain: 'button.btn.btn-primary:attr__class="btn btn-primary"nth-child="2"nth-of-type="1"text="Start free trial";div.hero:nth-child="1"',
  $exception_type: "TypeError",
  $exception_message: "Cannot read properties of undefined (reading 'map')",
  $exception_level: "error",
  $exception_fingerprint: "a1b2c3d4",
  $session_recording_canvas_recording: false,
  $is_identified: true,
  $event_original: "$identify",
  $compat_dropped_values: 2,
});

/** @segment/analytics-node 3.x (and the HTTP API's other calls) as the intake stores them. */
export const SEGMENT_NODE_EVENTS = standard("segment", {
  "library.name": "@segment/analytics-node",
  "library.version": "3.1.0",
  "context.library.name": "@segment/analytics-node",
  "_metadata.jsRuntime": "node",
  "traits.plan": "pro",
  "traits.logins": 5,
  "traits.createdAt": "2026-01-01T00:00:00.000Z",
  "traits.company.name": "Acme",
  "traits.company.industry": "Software",
  "traits.company.employee_count": 120,
  "traits.company.plan": "enterprise",
  group_id: "acme",
  "group_traits.industry": "software",
  "group_traits.employees": 120,
  previous_id: "anon-9",
  $event_original: "Order Completed",
  "os.name": "macOS",
  "os.version": "14.2",
  "device.type": "desktop",
  "device.manufacturer": "Apple",
  "device.model": "MacBookPro18,3",
  "app.name": "Example",
  "app.version": "1.2.0",
  "app.build": "1042",
  "network.wifi": true,
  "network.cellular": false,
  "screen.width": 1920,
  "screen.height": 1080,
  "screen.density": 2,
  "page.hash": "#pricing",
  "userAgentData.brands.1.brand": "Google Chrome",
  "userAgentData.brands.1.version": "120",
  groupId: "acme",
  "products.0.product_id": "507f1f77bcf86cd799439011",
  "products.0.sku": "G-32",
  "products.0.name": "Monopoly: 3rd Edition",
  "products.0.price": 19,
  "products.0.quantity": 1,
  "products.0.category": "Games",
  "products.0.url": "https://www.example.com/product/path",
  "products.0.image_url": "https://www.example.com/product/path.jpg",
});

/** Seed 002's events: the envelope's src and its documented payloads (page, click, course, search). */
export const SEED002_EVENTS = standard("seed002", {
  src: "web_app",
  page: "/dashboard",
  referrer: "/login",
  session_id: "sess-456",
  button_id: "save_profile",
  course_id: "course-123",
  completion_time: 3600,
  score: 85,
  query_length: 12,
  results_count: 40,
  video_id: "vid-9",
  error_code: "E_TIMEOUT",
});

const keys = (set: "pii-keys" | "harmless-keys", pii: boolean, entries: Array<[string, unknown]>, issue: string[] = []): CorpusCase[] =>
  entries.map(([key, value]) => ({ set, key, value, pii, ...(issue.includes(key) ? { issue: true as const } : {}) }));

/** Keys that carry personal data, secrets or free text; each with a harmless-looking value so only the key can tell. */
export const PII_KEYS = keys(
  "pii-keys",
  true,
  [
    // Issue 8 §3.
    ["e-mail", "x"], ["mail", "x"], ["tel", "x"], ["pwd", "x"], ["pass", "x"], ["api_key", "x"], ["authorization", "x"],
    ["cookie", "x"], ["ip", "x"], ["dob", "x"], ["cc", "x"],
    // Contact data.
    ["email", "x"], ["user_email", "x"], ["Email", "x"], ["emailAddress", "x"], ["email_address", "x"], ["EMAIL", "x"], ["eMail", "x"],
    ["work_mail", "x"], ["email_verified", true], ["phone", "x"], ["phone_number", "x"], ["phoneNumber", "x"], ["telephone", "x"],
    ["mobile_number", "x"], ["mobileNo", "x"], ["home_tel", "x"], ["fax", "x"], ["msisdn", "x"], ["address", "x"],
    ["billingAddress", "x"], ["shipping_address", "x"], ["street", "x"], ["address2", "x"],
    // Network addresses.
    ["ip_address", "x"], ["client_ip", "x"], ["$ip", "x"], ["context.ip", "x"], ["ipv6", "x"], ["x_forwarded_for", "x"], ["remote_addr", "x"],
    // A person's name.
    ["first_name", "x"], ["firstName", "x"], ["lastname", "x"], ["full_name", "x"], ["surname", "x"], ["username", "x"],
    ["userName", "x"], ["display_name", "x"], ["context.traits.name", "x"], ["context.traits.email", "x"], ["customer_name", "x"],
    // Identity documents and dates.
    ["date_of_birth", "x"], ["birthdate", "x"], ["birthday", "x"], ["ssn", "x"], ["social_security_number", "x"], ["cpf", "x"],
    ["passport_number", "x"], ["national_id", "x"], ["tax_id", "x"], ["drivers_license", "x"],
    // Payment data.
    ["iban", "x"], ["credit_card", "x"], ["creditCardNumber", "x"], ["card_number", "x"], ["cc_number", "x"], ["cvv", "x"], ["cvv2", "x"],
    ["cvc", "x"], ["cardholder", "x"],
    // Credentials.
    ["password", "x"], ["passwd", "x"], ["passphrase", "x"], ["user_pass", "x"], ["secret", "x"], ["client_secret", "x"], ["apiKey", "x"],
    ["APIKey", "x"], ["private_key", "x"], ["access_token", "x"], ["accessToken", "x"], ["refresh_token", "x"], ["id_token", "x"],
    ["session_token", "x"], ["csrf_token", "x"], ["AuthToken", "x"], ["bearer", "x"], ["jwt", "x"], ["session_cookie", "x"],
    ["Authorization", "x"], ["otp", "x"], ["password", true],
    // Free text a person wrote (seed 000).
    ["content", "x"], ["prompt", "x"], ["PromptText", "x"], ["message_content", "x"], ["content", ["a", "b"]],
  ],
  ["e-mail", "mail", "tel", "pwd", "pass", "api_key", "authorization", "cookie", "ip", "dob", "cc"],
);

/** Keys with a blocked word that describe something harmless, and everyday keys with none. */
export const HARMLESS_KEYS = keys("harmless-keys", false, [
  // Seed 000's descriptive keys: sizes and flags of a sensitive field.
  ["content_len", 1200], ["prompt_words", 35], ["has_email", true], ["is_email_verified", false], ["email_count", 3],
  ["phone_count", 2], ["address_count", 1], ["hasPhone", true], ["contentLength", 512], ["num_emails", 4],
  // Free-text words with a value that cannot carry text.
  ["content", 1200], ["prompt", true], ["content_score", 0.8],
  // Modifiers and parts of words.
  ["pass_rate", 0.93], ["cookie_consent", true], ["cookies_enabled", true], ["ip_country", "DE"], ["mail_opened", true],
  ["tokens_used", 512], ["max_tokens", 1024], ["token_count", 30], ["page_name", "Pricing"], ["product_name", "Pro plan"],
  ["file_name", "report.pdf"], ["hostname", "app.example.com"], ["pathname", "/a"], ["content_type", "video"],
  ["content_ids", ["sku-1", "sku-2"]], ["content_category", "shoes"], ["typename", "Query"], ["rename_count", 2],
  ["passage_id", "p-7"], ["compass_heading", 270], ["iphone_model", "15 Pro"], ["smartphone", true], ["ship_date", "2026-11-12"],
  ["mobile", false], ["is_mobile", true], ["addressable_market", "EU"], ["secretary_role", false],
  // Everyday keys.
  ["page", "/pricing"], ["plan", "pro"], ["button_id", "save"], ["step", 3], ["error_code", "E_TIMEOUT"], ["signup_method", "google"],
  ["auth_method", "sso"], ["login_provider", "github"], ["locale", "pt-BR"], ["country", "BR"], ["duration_ms", 1532],
  ["experiment_variant", "b"], ["search_term", "running shoes"], ["cta_label", "Start free"], ["age_bucket", "25-34"],
  ["post_type", "carousel"], ["idea_id", "idea-17"], ["image_count", 4], ["has_html", false], ["theme", "dark"],
]);

const vals = (set: "pii-values" | "harmless-values", pii: boolean, entries: Array<[unknown, Partial<CorpusCase>?]>): CorpusCase[] =>
  entries.map(([value, extra]) => ({ set, key: "ref", value, pii, ...extra }));

const issue = { issue: true } as const;
const id = (key: string, more: Partial<CorpusCase> = {}): Partial<CorpusCase> => ({ key, via: "identifier", ...more });

/** Values that are personal data, whatever the key. */
export const PII_VALUES = vals("pii-values", true, [
  // Issue 8 §3: identifiers stored in decisions and events.
  ["john.doe@example.com", id("unit_id", issue)], ["+1 555 123 4567", id("unit_id", issue)],
  ["john.doe@example.com", id("request_id", issue)], ["+1 555 123 4567", id("resource_id", issue)],
  ["john.doe@example.com", id("sub", issue)],
  // Issue 8 §3: values.
  ["a＠b", issue], ["name(at)example.com", issue], ["a%40b.com", issue], ["root@localhost", issue], ["иван@пример.рф", issue],
  ["＋１ ５５５ １２３ ４５６７", issue], ["tel:+15551234567", issue], [15551234567, issue], [5511987654321, issue],
  ["4111 1111 1111 1111", issue], [4111111111111111, issue], ["192.168.0.1", issue], ["2001:db8::1", issue],
  ["ｊｏｈｎ．ｄｏｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", { ...issue, field: "context" }],
  // Email addresses, plain and disguised.
  ["someone@example.com"], ["First.Last+tag@sub.example.co.uk"], ["JOHN@EXAMPLE.COM"], ["Contact: maria@example.com please"],
  ["john [at] example [dot] com"], ["john{at}example.com"], ["john at example dot com"], ["john(at)example(dot)com"],
  ["mailto:john@example.com"], ["https://example.com/?email=a%40b.com"], ["https://example.com/?email=a%2540b.com"],
  ["user@example.xn--p1ai"], ["a\u200b@b.com"], ["john＠example．com"], ["john﹫example.com"], ["git@github.com"],
  ["https://user:hunter2@example.com/"], ["a@b"], ["admin@intranet"], ["ana@example.com", id("user_id")], ["ana@example.com", id("src")],
  // Phone numbers.
  ["+55 11 98765-4321"], ["(415) 555-2671"], ["415.555.2671"], ["415-555-2671"], ["+14155552671"], ["+44 20 7946 0958"],
  ["call +44 20 7946 0958 today"], ["tel:0207-946-0958"], ["TEL:+33 1 23 45 67 89"], ["sms:+15551234567"], ["0044 20 7946 0958"],
  ["+１-５５５-１２３-４５６７"], [447911123456], [8613812345678], [4155552671, { key: "mobile" }], [987654321, { key: "cell" }],
  ["+55 11 98765-4321", id("resource_type")], ["(415) 555-2671", id("policy_id")],
  // Payment card numbers (test numbers of each network).
  ["4111-1111-1111-1111"], ["4111111111111111"], ["5555 5555 5555 4444"], [5555555555554444], ["378282246310005"],
  ["3782 822463 10005"], ["6011111111111117"], [6011111111111117], ["5105105105105100"], ["card 4012 8888 8888 1881 exp 12/29"],
  ["https://pay.example.com/?card=4111111111111111"], ["4111 1111 1111 1111", id("decision_id")],
  // IP addresses.
  ["8.8.8.8"], ["10.0.0.1"], ["1.2.3.4"], ["http://10.0.0.1/admin"], ["client 203.0.113.7 via proxy"],
  ["2001:0db8:85a3:0000:0000:8a2e:0370:7334"], ["fe80::1%eth0"], ["fe80::1%25eth0"], ["[2001:db8::1]:443"], ["::ffff:192.0.2.1"],
  ["2001:db8:0:0:1:0:0:1"], ["192.168.0.1", id("request_id")],
  // Credentials.
  ["eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"],
  ["Bearer abcdef0123456789abcdef0123"], ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1LTEifQ.sig", id("unit_id")],
]);

/** Values that look like numbers, ids, dates or text but are not personal data. */
export const HARMLESS_VALUES = vals("harmless-values", false, [
  ["abc-123"], ["u_42"], [42], [0], [-3], [3.14159], ["3.14159265"], [1700000000000], ["1700000000000"], [1715000000],
  [1715000000123], [1715000000123456], ["2024-01-15"], ["2024-01-15T10:30:00.000Z"], ["2024-01-15T10:30:00+01:00"], ["15/01/2024"],
  ["15.01.2024"], ["550e8400-e29b-41d4-a716-446655440000"], [UUID7], ["da39a3ee5e6b4b0d3255bfef95601890afd80709"],
  ["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"], ["v1.2.3"], ["1.2.3"], ["10.0.19045.3803"], ["v1.2.3.4"],
  ["Chrome/120.0.0.0"], ["1.0.0+20130313144700"], ["19.99"], ["R$ 49,90"], ["$1,299.00"], [1299.5], ["https://example.com/pricing"],
  ["https://example.com/users/42?tab=billing"], ["http://127.0.0.1:3000/checkout", { key: "$current_url" }], ["127.0.0.1:5173", { key: "$host" }], ["/checkout/step-2"], ["#section-3"], ["en-US"], ["Europe/Berlin"],
  ["react@18.2.0"], ["@acme/sdk"], ["@mention"], ["stay at home"], ["meet at 10"], ["10:30:00"], ["std::vector"], ["20240115123456"],
  [20240115123456], [202401151234], ["123456789"], ["+1234"], ["12-34"], ["hello world"], ["SKU-4111-1111"],
  ["ord_4539148803436467"], ["/orders/4539148803436467"], ["image/png"], ["1920x1080"], ["#ff00ff"], ["rgba(0,0,0,0.5)"],
  [123456789], [9999999999], [1073741824], ["email"], ["phone"], ["tel"], ["newsletter@"], ["user at"], ["50@50"], ["+2.5"],
  ["-3.14159265"], ["1e10"], ["Order #1042"], ["2026-W46"], ["PT1H30M"], ["978-3-16-148410-0"], ["0-306-40615-2"],
  [5123456789012, { key: "order_id" }], [7890123456789, { key: "product_id" }], [12884901888, { key: "file_size_bytes" }],
  [946684799999, { key: "created_at" }], [100004123456789, { key: "fb_user_id" }], ["2026-11-10 12:00:00"], ["12/25/2026"], ["u-42", { key: "unit_id", via: "identifier" }],
  ["post-idea-17", { key: "resource_id", via: "identifier" }], ["req_01HZX3", { key: "request_id", via: "identifier" }],
  ["auth0|5f7c8ec7c33c6c004bbafe82", { key: "sub", via: "identifier" }], ["1700000000000", { key: "user_id", via: "identifier" }],
  // Refused on purpose (docs/ingestion.md §3 explains each): the guard cannot tell these from personal data.
  ["look at example.com", { tradeOff: true }], ["v2@prod", { tradeOff: true }], [12884901888, { tradeOff: true }],
  [4539148803436467, { key: "order_number", tradeOff: true }], ["1 234 567 890", { tradeOff: true }],
]);

export const CORPUS: readonly CorpusCase[] = [...POSTHOG_PAGEVIEW, ...POSTHOG_OTHER_EVENTS, ...SEGMENT_EVENTS, ...SEGMENT_NODE_EVENTS, ...SEED002_EVENTS, ...PII_KEYS, ...HARMLESS_KEYS, ...PII_VALUES, ...HARMLESS_VALUES];
