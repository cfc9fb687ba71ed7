// The explorers' panel, drawn in the browser (canvas.py): a row of controls, one canvas, a readout line.
// The kernel sends the picture as plain data ("figure": axes holding lines, points, pictures and texts in data
// coordinates, and the readout). It is painted at the next animation frame, readout included, so the readout
// always belongs to the picture. Every size is fixed and text is 12 px: nothing moves when a setting changes.
const FONT = "12px sans-serif", INK = "#333";
const PALETTES = {  // 0..255 -> colour: TensorFlow Playground's orange-white-blue, and white to blue
  diverging: (b) => { const t = b / 127.5 - 1, [end, s] = t < 0 ? [[245, 147, 34], -t] : [[8, 119, 189], t];
    return end.map((e) => 255 + s * (e - 255)); },
  sequential: (b) => [255, 255, 255].map((w, c) => w + (b / 255) * ([8, 69, 148][c] - w)),
};

function element(tag, props = {}, style = "") {
  const node = Object.assign(document.createElement(tag), props);
  node.style.cssText = style;
  return node;
}

function ticks(low, high, log) {  // about five round values inside [low, high]; on a log axis, powers of ten
  if (log) {
    const first = Math.ceil(Math.log10(low) - 1e-9), last = Math.floor(Math.log10(high) + 1e-9);
    const every = Math.max(1, Math.ceil((last - first + 1) / 6)), out = [];
    for (let k = first; k <= last; k += every) out.push(10 ** k);
    if (out.length >= 3) return out;
    const more = [];  // less than about two decades: 1, 2 and 5 times each power of ten
    for (let k = first - 1; k <= last; k++) for (const m of [1, 2, 5]) if (m * 10 ** k >= low && m * 10 ** k <= high) more.push(Number((m * 10 ** k).toPrecision(6)));
    return more;
  }
  const span = high - low, power = 10 ** Math.floor(Math.log10(span / 5));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => span / s <= 6.5);
  const out = [];
  for (let v = Math.ceil(low / step - 1e-9) * step; v <= high + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function tickText(v) {
  const a = Math.abs(v);
  return a === 0 ? "0" : a >= 1e4 || a < 1e-3 ? v.toExponential(0).replace("+", "") : String(Number(v.toPrecision(3)));
}

function mapping(limits, log, from, size, flip) {  // data -> pixels along one axis
  const f = log ? Math.log10 : (v) => v, a = f(limits[0]), b = f(limits[1]);
  return (v) => { const t = (f(v) - a) / (b - a); return flip ? from + size - t * size : from + t * size; };
}

function bytesOf(view) { return new Uint8Array(view.buffer, view.byteOffset || 0, view.byteLength); }

function marker(ctx, shape, x, y, r) {
  ctx.beginPath();
  if (shape === "x") { ctx.moveTo(x - r, y - r); ctx.lineTo(x + r, y + r); ctx.moveTo(x - r, y + r); ctx.lineTo(x + r, y - r); }
  else if (shape === "s") ctx.rect(x - r, y - r, 2 * r, 2 * r);
  else if (shape === "*") for (let k = 0; k <= 10; k++) {
    const angle = -Math.PI / 2 + (k * Math.PI) / 5, radius = k % 2 ? r * 0.45 : r * 1.3;
    ctx.lineTo(x + radius * Math.cos(angle), y + radius * Math.sin(angle));
  }
  else ctx.arc(x, y, r, 0, 2 * Math.PI);
}

function drawItem(ctx, item, X, Y) {
  ctx.globalAlpha = item.alpha ?? 1;
  ctx.strokeStyle = ctx.fillStyle = item.colour || INK;
  ctx.lineWidth = item.width ?? 1.5;
  ctx.setLineDash(item.dash || []);
  if (item.kind === "line") {
    ctx.beginPath();
    let down = false;  // null (not finite in the kernel) breaks the line
    item.x.forEach((x, i) => {
      const y = item.y[i];
      if (x === null || y === null) { down = false; return; }
      down ? ctx.lineTo(X(x), Y(y)) : ctx.moveTo(X(x), Y(y));
      down = true;
    });
    ctx.stroke();
  } else if (item.kind === "points") {
    item.x.forEach((x, i) => {
      if (x === null || item.y[i] === null) return;
      ctx.fillStyle = ctx.strokeStyle = item.colours ? item.colours[i] : item.colour || INK;
      marker(ctx, item.marker, X(x), Y(item.y[i]), item.size ?? 3.5);
      item.marker === "x" ? ctx.stroke() : ctx.fill();
      if (item.edge) { ctx.strokeStyle = item.edge; ctx.lineWidth = 1; ctx.stroke(); }
    });
  } else if (item.kind === "image") {  // rows x columns bytes, the first row at the bottom of the extent
    const [rows, columns] = item.shape, bytes = bytesOf(item.bytes), image = new ImageData(columns, rows);
    const colour = PALETTES[item.palette || "diverging"];
    for (let i = 0; i < rows * columns; i++) {
      const k = 4 * ((rows - 1 - Math.floor(i / columns)) * columns + (i % columns)), rgb = colour(bytes[i]);
      image.data[k] = rgb[0]; image.data[k + 1] = rgb[1]; image.data[k + 2] = rgb[2]; image.data[k + 3] = 255;
    }
    const cell = new OffscreenCanvas(columns, rows);
    cell.getContext("2d").putImageData(image, 0, 0);
    const [x0, x1, y0, y1] = item.extent;
    ctx.drawImage(cell, X(x0), Y(y1), X(x1) - X(x0), Y(y0) - Y(y1));
  } else if (item.kind === "text") {
    ctx.font = FONT;
    ctx.textAlign = item.align || "left";
    ctx.textBaseline = "middle";
    ctx.fillText(item.text, X(item.at[0]) + (item.offset?.[0] || 0), Y(item.at[1]) + (item.offset?.[1] || 0));
  }
  ctx.globalAlpha = 1;
  ctx.setLineDash([]);
}

function drawAxes(ctx, ax) {
  const [left, top, width, height] = ax.box;
  const X = mapping(ax.xlim, ax.xlog, left, width, false), Y = mapping(ax.ylim, ax.ylog, top, height, true);
  ctx.font = FONT; ctx.fillStyle = INK; ctx.strokeStyle = "#999"; ctx.lineWidth = 1;
  ctx.textAlign = "center"; ctx.textBaseline = "top";
  if (!ax.hide_ticks) {
    for (const v of ticks(ax.xlim[0], ax.xlim[1], ax.xlog)) {
      ctx.fillText(tickText(v), X(v), top + height + 4);
      ctx.beginPath(); ctx.moveTo(X(v), top + height); ctx.lineTo(X(v), top + height + 3); ctx.stroke();
    }
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    for (const v of ticks(ax.ylim[0], ax.ylim[1], ax.ylog)) {
      ctx.fillText(tickText(v), left - 5, Y(v));
      ctx.beginPath(); ctx.moveTo(left - 3, Y(v)); ctx.lineTo(left, Y(v)); ctx.stroke();
    }
  }
  ctx.textAlign = "center"; ctx.textBaseline = "alphabetic";
  if (ax.title) ctx.fillText(ax.title, left + width / 2, top - 7);
  if (ax.xlabel) ctx.fillText(ax.xlabel, left + width / 2, top + height + 32);
  if (ax.ylabel) {
    ctx.save(); ctx.translate(left - 40, top + height / 2); ctx.rotate(-Math.PI / 2);
    ctx.fillText(ax.ylabel, 0, 0); ctx.restore();
  }
  ctx.save();
  ctx.beginPath(); ctx.rect(left, top, width, height); ctx.clip();
  for (const item of ax.items) drawItem(ctx, item, X, Y);
  ctx.restore();
  ctx.strokeStyle = "#999"; ctx.lineWidth = 1; ctx.strokeRect(left + 0.5, top + 0.5, width - 1, height - 1);
  const labelled = ax.items.filter((item) => item.label);
  if (ax.legend && labelled.length) {  // a box in the named corner, one row per labelled item
    ctx.font = FONT;
    const w = 34 + Math.max(...labelled.map((item) => ctx.measureText(item.label).width)), h = 16 * labelled.length + 6;
    const x = ax.legend.includes("left") ? left + 6 : left + width - w - 6, y = ax.legend.includes("lower") ? top + height - h - 6 : top + 6;
    ctx.fillStyle = "rgba(255,255,255,0.85)"; ctx.fillRect(x, y, w, h);
    labelled.forEach((item, i) => {
      const cy = y + 11 + 16 * i, key = { ...item, x: [x + 6, x + 24], y: [cy, cy], at: undefined };
      if (item.kind === "points") { key.x = [x + 15]; key.y = [cy]; }
      drawItem(ctx, item.kind === "points" ? key : { ...key, kind: "line" }, (v) => v, (v) => v);
      ctx.fillStyle = INK; ctx.textAlign = "left"; ctx.textBaseline = "middle"; ctx.fillText(item.label, x + 30, cy);
    });
  }
}

function control(model, spec, send) {  // one labelled control, bound to the model's value of the same name
  const box = element("label", {}, "font: 12px sans-serif; white-space: nowrap; display: inline-flex; align-items: center; gap: 4px");
  box.classList.add("mlp-control", `mlp-control-${spec.name.replace(/_/g, "-")}`);
  box.append(spec.label);
  const button = (text, click) => {
    const node = element("button", { textContent: text }, "font: 12px sans-serif; margin: 0");
    node.addEventListener("click", click);
    return node;
  };
  if (spec.kind === "button") {  // a click calls the widget's on_<name>
    box.replaceChildren(button(spec.label, () => model.send({ do: spec.name })));
    return [box, null];
  }
  if (spec.kind === "select") {  // one of the values, from a menu
    const menu = element("select", {}, "font: 12px sans-serif");
    spec.labels.forEach((label, i) => menu.append(element("option", { value: i, textContent: label })));
    menu.addEventListener("change", () => send(spec.name, spec.options[Number(menu.value)]));
    box.append(menu);
    return [box, (value) => { menu.value = spec.options.findIndex((option) => option === value); }];
  }
  if (spec.kind === "toggle" || spec.kind === "checks") {  // buttons side by side, pressed (bold) when chosen:
    const many = spec.kind === "checks";                   // one of the values, or any of them (a list)
    const buttons = spec.options.map((value, i) => button(spec.labels[i], () => {
      const now = model.get(spec.name);
      send(spec.name, many ? spec.options.filter((o) => (o === value) !== now.includes(o)) : value);
    }));
    box.append(...buttons);
    return [box, (now) => buttons.forEach((b, k) => {
      const on = many ? now.includes(spec.options[k]) : now === spec.options[k];
      b.style.fontWeight = on ? "bold" : "normal";
      b.style.opacity = on || !many ? 1 : 0.6;
      b.setAttribute("aria-pressed", on);
    })];
  }
  // a slider over [min, max] in steps (in log10 of the value if spec.log), with a box that shows and takes the value
  const slider = element("input", { type: "range", min: spec.min, max: spec.max, step: spec.step }, "width: 150px");
  const typed = element("input", { type: "text", size: 7 }, "font: 12px sans-serif; width: 5.5em");
  typed.classList.add("mlp-control-value");
  const toValue = (x) => (spec.log ? 10 ** x : x), fromValue = (v) => (spec.log ? Math.log10(v) : v);
  const show = (v) => (spec.integer ? String(Math.round(v)) : String(Number(v.toPrecision(3))));
  slider.addEventListener("input", () => {
    const value = spec.integer ? Math.round(toValue(Number(slider.value))) : Number(toValue(Number(slider.value)).toPrecision(6));
    typed.value = show(value);
    send(spec.name, value);
  });
  typed.addEventListener("change", () => {
    const low = toValue(spec.min), high = toValue(spec.max), value = Number(typed.value);
    if (!Number.isFinite(value) || value < low || value > high) { typed.value = show(model.get(spec.name)); return; }
    send(spec.name, spec.integer ? Math.round(value) : value);
  });
  box.append(slider, typed);
  return [box, (value) => { slider.value = fromValue(value); if (document.activeElement !== typed) typed.value = show(value); }];
}

export default {
  render({ model, el }) {
    const css = model.get("css_class"), figure = model.get("figure");
    el.classList.add(css, "mlp-panel");
    const send = (name, value) => { model.set(name, value); model.save_changes(); };
    const bar = element("div", {}, `display: flex; flex-wrap: wrap; gap: 4px 14px; align-items: center; height: ${model.get("controls_height")}px; overflow: hidden`);
    for (const spec of model.get("controls")) {
      const [box, update] = control(model, spec, send);
      bar.append(box);
      if (update) { update(model.get(spec.name)); model.on(`change:${spec.name}`, () => update(model.get(spec.name))); }
    }
    const ratio = window.devicePixelRatio || 1;
    const canvas = element("canvas", { width: figure.width * ratio, height: figure.height * ratio },
                           `width: ${figure.width}px; height: ${figure.height}px; display: block`);
    const readout = element("div", { className: `${css}-readout` }, "font: 12px sans-serif; height: 34px; overflow: hidden; line-height: 17px");
    el.append(bar, canvas, readout);
    el.addEventListener("keydown", (event) => event.stopPropagation());  // a key on a control is the control's: not JupyterLab's notebook's, which acts on the keys that reach it (arrows move between cells),
    el.querySelectorAll("input, select, button").forEach((node) => node.setAttribute("data-lm-suppress-shortcuts", "true"));  // nor Notebook 7's shortcuts, taken before the controls see a key unless the focused node opts out
    const ctx = canvas.getContext("2d");
    let pending = false;
    const paint = () => {
      pending = false;
      const now = model.get("figure");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, now.width, now.height);
      for (const ax of now.axes) drawAxes(ctx, ax);
      readout.textContent = now.readout || "";
      el.dispatchEvent(new CustomEvent("drawn", { bubbles: true, detail: {} }));
    };
    model.on("change:figure", () => { if (!pending) { pending = true; requestAnimationFrame(paint); } });
    model.on("change:busy", () => { if (model.get("busy")) readout.textContent = model.get("busy"); });
    paint();
  },
};
