// The React test app: a component that tracks with useAnalytics, configured by the test through window.cfg.
import { useEffect } from "react";
import { createRoot } from "react-dom/client";
import { useAnalytics } from "../../dist/react.js";

function Editor() {
  const analytics = useAnalytics({ ...window.cfg, onError: (e) => window.errors.push(e) });
  useEffect(() => {
    window.tracked.push(analytics.page({ screen: "editor" }));
  }, [analytics]);
  return <button onClick={() => window.tracked.push(analytics.track("button_click", { button: "save" }))}>Save</button>;
}

window.tracked = [];
window.errors = [];
createRoot(document.getElementById("root")!).render(<Editor />);
