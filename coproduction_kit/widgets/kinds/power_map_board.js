// The power map placed by hand (power_map_board.py): roles dragged on two axes, by touch, mouse or keys.
// Shipped inside the package and sent with the widget (anywidget's _esm): nothing is fetched.
// Every name shown comes from the model and is written with textContent, never as markup.

const TOP = 10; // the scale's maximum, as in the saved answer: [authority, expertise], 0 to 10
const BIG_STEP = 3; // Shift with an arrow key
const SVG = "http://www.w3.org/2000/svg";
let boards = 0; // ids unique on the page, for aria-describedby

function clamp(n) {
  return Math.max(0, Math.min(TOP, Math.round(n)));
}

function words([authority, expertise]) {
  return `formal authority ${authority} of ${TOP}, recognised expertise ${expertise} of ${TOP}`;
}

function moved(before, now) {
  const parts = [];
  if (now[0] !== before[0]) parts.push(now[0] > before[0] ? "more authority" : "less authority");
  if (now[1] !== before[1]) parts.push(now[1] > before[1] ? "more expertise" : "less expertise");
  return parts.join(" and ");
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

function render({ model, el }) {
  const id = `workshop-power-map-${++boards}`;
  const root = element("div", "pm");
  const help = element("p", "pm-help",
    "Drag each role onto the map. With a keyboard: Tab to a role, then the arrow keys move it " +
    "(hold Shift to move further); Delete puts it back with the roles not placed yet.");
  help.id = `${id}-help`;

  const layout = element("div", "pm-layout");
  const frame = element("div", "pm-frame");
  const yAxis = element("div", "pm-axis pm-axis-y", "Recognised expertise ↑");
  const map = element("div", "pm-map");
  map.setAttribute("role", "group");
  map.setAttribute("aria-label",
    "Power map: formal authority grows from left to right, recognised expertise from bottom to top");
  const lines = svg("svg", { class: "pm-lines", viewBox: `0 0 ${TOP} ${TOP}`, preserveAspectRatio: "none",
                             "aria-hidden": "true", focusable: "false" });
  map.appendChild(lines);
  const xAxis = element("div", "pm-axis pm-axis-x", "Formal authority →");
  frame.append(yAxis, map, xAxis);

  const tray = element("div", "pm-tray");
  tray.setAttribute("role", "group");
  tray.setAttribute("aria-labelledby", `${id}-tray`);
  const trayTitle = element("p", "pm-tray-title");
  trayTitle.id = `${id}-tray`;
  const trayRoles = element("div", "pm-tray-roles");
  tray.append(trayTitle, trayRoles);
  layout.append(frame, tray);

  const announce = element("p", "pm-announce");
  announce.setAttribute("role", "status");
  announce.setAttribute("aria-live", "polite");
  const listTitle = element("p", "pm-list-title", "Your map in words");
  const list = element("ul", "pm-list");
  root.append(help, layout, announce, listTitle, list);
  el.appendChild(root);

  const tokens = new Map(); // role -> its button
  let dragging = null; // {role, pointerId, position}

  const positions = () => model.get("positions") || {};
  const before = () => model.get("before") || {};

  function save(role, position) {
    const next = { ...positions() };
    if (position === null) delete next[role];
    else next[role] = position;
    model.set("positions", next);
    model.save_changes();
    const was = before()[role];
    announce.textContent = position === null
      ? `${role} is back with the roles not placed yet.`
      : `${role}: ${words(position)}${was ? ` (was ${words(was)})` : ""}.`;
  }

  // A role's button covers its point on the map and never sticks out of it: at the left edge the
  // point is the button's left edge, in the middle its middle, and so on (likewise up and down).
  function place(token, position) {
    const x = (position[0] / TOP) * 100;
    const y = (1 - position[1] / TOP) * 100;
    token.style.left = `${x}%`;
    token.style.top = `${y}%`;
    token.style.transform = `translate(${-x}%, ${-y}%)`;
  }

  function keepFocus(token, move) {
    const focused = document.activeElement === token;
    move();
    if (focused) token.focus();
  }

  function token(role) {
    let button = tokens.get(role);
    if (button) return button;
    button = element("button", "pm-role", role);
    button.type = "button";
    button.setAttribute("aria-describedby", help.id);
    button.addEventListener("keydown", (event) => keys(event, role));
    button.addEventListener("pointerdown", (event) => grab(event, role));
    button.addEventListener("click", () => {
      if (!(role in positions()) && !model.get("disabled")) {
        save(role, [TOP / 2, TOP / 2]);
        draw();
        button.focus();
      }
    });
    tokens.set(role, button);
    return button;
  }

  function keys(event, role) {
    if (model.get("disabled")) return;
    const step = event.shiftKey ? BIG_STEP : 1;
    const delta = { ArrowRight: [step, 0], ArrowLeft: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] }[event.key];
    const now = positions()[role];
    if (delta) {
      event.preventDefault(); // the arrows move the role, not the page
      const from = now || [TOP / 2, TOP / 2];
      save(role, now ? [clamp(from[0] + delta[0]), clamp(from[1] + delta[1])] : from);
      draw();
    } else if ((event.key === "Delete" || event.key === "Backspace") && now) {
      event.preventDefault();
      save(role, null);
      draw();
    }
  }

  function spot(event) {
    const box = map.getBoundingClientRect();
    return [clamp(((event.clientX - box.left) / box.width) * TOP),
            clamp((1 - (event.clientY - box.top) / box.height) * TOP)];
  }

  function inside(event, node) {
    const box = node.getBoundingClientRect();
    return event.clientX >= box.left && event.clientX <= box.right &&
           event.clientY >= box.top && event.clientY <= box.bottom;
  }

  function grab(event, role) {
    if (model.get("disabled") || event.button > 0) return;
    const button = tokens.get(role);
    // A touch that starts in the tray scrolls the page (tap places the role instead); on the map it drags.
    if (event.pointerType === "touch" && !(role in positions())) return;
    button.setPointerCapture(event.pointerId);
    dragging = { role, pointerId: event.pointerId, position: null, start: [event.clientX, event.clientY] };
    button.classList.add("pm-dragging");
    const follow = (move) => {
      if (move.pointerId !== dragging.pointerId) return;
      const far = Math.hypot(move.clientX - dragging.start[0], move.clientY - dragging.start[1]) > 4;
      if (!far && dragging.position === null) return; // a tap, not a drag
      dragging.position = spot(move);
      if (button.parentNode !== map) keepFocus(button, () => map.appendChild(button));
      place(button, dragging.position);
    };
    const drop = (up) => {
      if (up.pointerId !== dragging.pointerId) return;
      button.removeEventListener("pointermove", follow);
      button.removeEventListener("pointerup", drop);
      button.removeEventListener("pointercancel", drop);
      button.classList.remove("pm-dragging");
      const { position } = dragging;
      dragging = null;
      if (position === null || up.type === "pointercancel") {
        draw();
        return;
      }
      up.preventDefault();
      save(role, inside(up, tray) ? null : position);
      draw();
    };
    button.addEventListener("pointermove", follow);
    button.addEventListener("pointerup", drop);
    button.addEventListener("pointercancel", drop);
  }

  function drawLines(placed, earlier) {
    lines.replaceChildren();
    for (let n = 1; n < TOP; n++) {
      lines.appendChild(svg("line", { class: n === TOP / 2 ? "pm-mid" : "pm-grid", x1: n, y1: 0, x2: n, y2: TOP }));
      lines.appendChild(svg("line", { class: n === TOP / 2 ? "pm-mid" : "pm-grid", x1: 0, y1: n, x2: TOP, y2: n }));
    }
    for (const [role, was] of Object.entries(earlier)) {
      lines.appendChild(svg("circle", { class: "pm-was", cx: was[0], cy: TOP - was[1], r: 0.3 }));
      const now = placed[role];
      if (now && (now[0] !== was[0] || now[1] !== was[1])) {
        lines.appendChild(svg("line", { class: "pm-arrow", x1: was[0], y1: TOP - was[1], x2: now[0], y2: TOP - now[1] }));
        // the arrow's head halfway along, where the role's button does not cover it
        const angle = Math.atan2(was[1] - now[1], now[0] - was[0]);
        const mid = [(was[0] + now[0]) / 2, TOP - (was[1] + now[1]) / 2];
        for (const side of [-0.5, 0.5]) {
          lines.appendChild(svg("line", {
            class: "pm-arrow", x1: mid[0], y1: mid[1],
            x2: mid[0] - 0.6 * Math.cos(angle + side), y2: mid[1] - 0.6 * Math.sin(angle + side),
          }));
        }
      }
    }
  }

  function draw() {
    const roles = model.get("roles") || [];
    const placed = positions();
    const earlier = before();
    const disabled = !!model.get("disabled");
    root.classList.toggle("pm-disabled", disabled);
    drawLines(placed, earlier);
    const items = [];
    const waiting = [];
    for (const role of roles) {
      const button = token(role);
      button.disabled = disabled;
      const now = placed[role];
      if (dragging && dragging.role === role) continue;
      if (now) {
        keepFocus(button, () => { if (button.parentNode !== map) map.appendChild(button); });
        place(button, now);
        button.setAttribute("aria-label", `${role}: ${words(now)}`);
        const was = earlier[role];
        const change = was ? moved(was, now) : "";
        items.push(`${role}: ${words(now)}` + (change ? ` (moved: ${change} than before)` : was ? " (as before)" : ""));
      } else {
        keepFocus(button, () => { if (button.parentNode !== trayRoles) trayRoles.appendChild(button); });
        button.style.left = button.style.top = button.style.transform = "";
        button.setAttribute("aria-label", `${role}: not placed yet`);
        waiting.push(role);
      }
    }
    trayTitle.textContent = waiting.length
      ? "Not placed yet (tap one, or press Enter, to put it in the middle of the map)"
      : "Every role is on the map. Drop a role here to take it off.";
    list.replaceChildren(...items.map((text) => element("li", "", text)));
    if (waiting.length) list.appendChild(element("li", "", `Not placed yet: ${waiting.join(", ")}`));
    if (!items.length && !waiting.length) list.appendChild(element("li", "", "No roles yet."));
  }

  draw();
  const redraw = () => { if (!dragging) draw(); };
  model.on("change:positions", redraw);
  model.on("change:roles", redraw);
  model.on("change:before", redraw);
  model.on("change:disabled", redraw);
  return () => {
    model.off("change:positions", redraw);
    model.off("change:roles", redraw);
    model.off("change:before", redraw);
    model.off("change:disabled", redraw);
  };
}

export default { render };
