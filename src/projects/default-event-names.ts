// The event names every new project starts with: seed 000's UI events and seed 002's event types.
export const DEFAULT_EVENT_NAMES: ReadonlyArray<{ name: string; description: string }> = [
  // Seed 000: the minimal UI events of the image pre-generation loop.
  { name: "idea_view_opened", description: "An idea was opened in the UI" },
  { name: "idea_copy_clicked", description: "The idea's text was copied" },
  { name: "idea_regenerate_clicked", description: "The idea was regenerated" },
  { name: "image_generate_clicked", description: "An image was generated on demand" },
  { name: "image_regenerate_clicked", description: "An image was regenerated" },
  { name: "image_download_clicked", description: "An image download was started" },
  { name: "image_download_succeeded", description: "An image download finished" },
  { name: "image_download_failed", description: "An image download failed" },
  { name: "post_save_clicked", description: "A post was saved" },
  // Seed 002: generic product events.
  { name: "page_view", description: "Page navigation" },
  { name: "button_click", description: "User interaction" },
  { name: "form_submit", description: "Form submission" },
  { name: "video_play", description: "Media consumption" },
  { name: "course_complete", description: "Learning progress" },
  { name: "search_query", description: "Search behaviour" },
  { name: "error_occurred", description: "Error tracking" },
];

/** Event names are identifiers, not free text: lower snake case keeps them joinable and PII-free. */
export const EVENT_NAME_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
