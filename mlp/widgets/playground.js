// The playground's page (playground.py): the controls, and the network view and output drawn from one message (the
// "frame") at the next animation frame, with its epoch. Fixed sizes, text at 12 px: nothing moves on a change.
const UNIT = 40, OUTPUT = 240, GAP = 50, TOP = 26, HEIGHT = TOP + 8 * (UNIT + 10) + 30;
const WIDTH = 7 * (UNIT + GAP) + OUTPUT + 20, HOVER = "hover over an edge for its weight";
const ORANGE = [245, 147, 34], BLUE = [8, 119, 189], WHITE = [255, 255, 255];

function colour(byte, strength = 1) {  // TensorFlow Playground's scale: 0 orange (-1), 127.5 white (0), 255 blue (+1)
  const t = byte / 127.5 - 1, [end, s] = t < 0 ? [ORANGE, -t] : [BLUE, t];
  return WHITE.map((w, c) => w + strength * s * (end[c] - w));
}

const PALETTES = {}, CELLS = {};  // [strength, discrete] -> each byte's colour, an RGBA word; grid -> a canvas
// One heatmap, for every unit and the output: grid x grid bytes from `offset` (the lowest x2 first) as a square.
function heatmap(ctx, bytes, offset, grid, [x, y, size], strength = 1, discrete = false) {
  const palette = (PALETTES[[strength, discrete]] ||= new Uint32Array(new Uint8ClampedArray(Array.from({ length: 256 },
    (_, byte) => [...colour(discrete ? (byte >= 128) * 255 : byte, strength), 255]).flat()).buffer));
  const image = new ImageData(grid, grid), pixels = new Uint32Array(image.data.buffer);
  for (let i = 0; i < grid * grid; i++) {
    pixels[(grid - 1 - Math.floor(i / grid)) * grid + (i % grid)] = palette[bytes[offset + i]];
  }
  const cell = (CELLS[grid] ||= new OffscreenCanvas(grid, grid));
  cell.getContext("2d").putImageData(image, 0, 0);
  ctx.drawImage(cell, x, y, size, size);
}

// The controls, each named after its trait (a check box per input feature, all named "features").
function controls(css, features, ratio) {
  const menu = (name, label = name) => `<label>${label} <select name="${name}"></select></label>`;
  const box = (name, label, value = "") =>
    `<label>${label} <input type="checkbox" name="${name}" value="${value}"></label>`;
  const slider = (name, label, min, max, step) => `<label>${label} <input type="range" name="${name}" min="${min}"
    max="${max}" step="${step}" style="width: 70px"><span style="width: 3em"></span></label>`;
  return `<style>.${css} { font: 12px sans-serif; width: ${WIDTH}px } .${css} * { font: inherit }
      .${css} .row { height: 28px; display: flex; align-items: center; gap: 10px; overflow: hidden }
      .${css} label { display: inline-flex; align-items: center; gap: 3px; white-space: nowrap }</style>
    <div class="row">${["Play", "Pause", "Step", "Reset"].map((b) =>
      `<button class="${css}-${b.toLowerCase()}" style="height: 24px">${b}</button>`).join("")}
      <span class="${css}-epoch" style="width: 7em"></span>
      <label>timeline <input type="range" class="${css}-timeline" min="0" max="0" style="width: 200px"></label></div>
    <div class="row">${menu("problem")} ${menu("dataset", "data")} ${slider("noise", "noise", 0, 0.5, 0.05)}
      ${slider("validation_share", "training data", 10, 90, 10)} ${box("show_test_data", "show test data")}
      ${box("discretize", "discretise output")}</div>
    <div class="row">${features.map((name) => box("features", name, name)).join(" ")}
      <label>hidden units per layer (1-8 each, up to 6 layers) <input name="hidden" style="width: 110px"></label></div>
    <div class="row">${menu("activation")} ${menu("optimizer", "optimiser")} ${menu("learning_rate", "learning rate")}
      ${menu("batch_size", "batch")} ${menu("regularization", "regularisation")} ${menu("regularization_rate", "rate")}
    </div><canvas width="${WIDTH * ratio}" height="${HEIGHT * ratio}"
      style="width: ${WIDTH}px; height: ${HEIGHT}px; display: block"></canvas>
    <div style="height: 18px; color: #555; white-space: nowrap; overflow: hidden">${HOVER}</div>
    <div style="height: 32px; line-height: 16px; overflow: hidden; color: #b35806"></div>`;  // two lines at most
}

const bytes = (v) => new Uint8Array(v.buffer ? v.buffer : v, v.byteOffset || 0, v.byteLength);

export default {
  render({ model, el }) {
    const css = model.get("css_class"), choices = model.get("choices"), ratio = window.devicePixelRatio || 1;
    el.classList.add(css);
    el.innerHTML = controls(css, choices.features, ratio);
    el.addEventListener("keydown", (event) => event.stopPropagation());  // a key on a control is the control's: not JupyterLab's notebook's, which acts on the keys that reach it (arrows move between cells),
    el.querySelectorAll("input, select, button").forEach((node) => node.setAttribute("data-lm-suppress-shortcuts", "true"));  // nor Notebook 7's shortcuts, taken before the controls see a key unless the focused node opts out
    const find = (selector) => el.querySelector(selector), named = (name) => find(`[name="${name}"]`);
    const send = (name, value) => { model.set(name, value); model.save_changes(); };
    const [play, pause, step, reset, epoch, scrub] = ["play", "pause", "step", "reset", "epoch", "timeline"].map((name) => find(`.${css}-${name}`));
    const [canvas, hover, message] = [find("canvas"), find("canvas + div"), find("canvas + div + div")];
    const ctx = canvas.getContext("2d");
    const bind = (node, read, write) => {  // the control shows its trait's value, and sends its own on change
      const show = () => write(node, model.get(node.name));
      node.addEventListener("change", () => { send(node.name, read(node)); show(); });
      model.on(`change:${node.name}`, show);
      show();
    };
    const options = (name) => (name === "dataset" ? choices.dataset[model.get("problem")] : choices[name]);
    el.querySelectorAll("select").forEach((menu) => bind(menu,
      (n) => (typeof model.get(n.name) === "number" ? Number(n.value) : n.value),
      (n, v) => {  // its options (the value among them), then its value
        n.replaceChildren(...[...new Set([...options(n.name), v].map(String))].map((o) => new Option(o)));
        n.value = String(v);
      }));
    el.querySelectorAll("[name=show_test_data], [name=discretize]").forEach((box) => bind(box, (n) => n.checked,
      (n, v) => { n.checked = v; }));
    const features = [...el.querySelectorAll("[name=features]")];
    const ticked = () => features.filter((f) => f.checked).map((f) => f.value);
    features.forEach((box) => bind(box, () => (ticked().length ? ticked() : model.get("features")),  // one at least
      (n, names) => { n.checked = names.includes(n.value); }));
    const layers = (text) => text.split(",").map((s) => parseInt(s, 10)).filter((k) => k >= 1 && k <= 8).slice(0, 6);
    bind(named("hidden"), (n) => layers(n.value), (n, v) => { n.value = v.join(", "); });
    const slider = (name, read, write, text) => {  // its readout follows it, also while it moves
      const node = named(name), say = () => { node.nextElementSibling.textContent = text(node.valueAsNumber); };
      node.addEventListener("input", say);
      bind(node, read, (n, v) => { write(n, v); say(); });
    };
    slider("noise", (n) => n.valueAsNumber, (n, v) => { n.value = v; }, (v) => v.toFixed(2));
    slider("validation_share", (n) => 1 - n.valueAsNumber / 100, (n, v) => { n.value = Math.round(100 * (1 - v)); },
           (v) => `${v}%`);
    play.addEventListener("click", () => send("playing", true));
    pause.addEventListener("click", () => send("playing", false));
    step.addEventListener("click", () => model.send({ do: "step" }));
    reset.addEventListener("click", () => model.send({ do: "reset" }));
    scrub.addEventListener("input", () => model.send({ do: "scrub", epoch: model.get("timeline")[scrub.value] }));
    let edges = [], pending = false;  // [path, text] of every edge drawn (for the hover); a paint asked for
    canvas.addEventListener("mousemove", (event) => {
      let edge;
      for (let width = 2; width <= 10 && !edge; width += 2) {  // the nearest edge, within 5 px
        ctx.lineWidth = width;
        edge = edges.find(([path]) => ctx.isPointInStroke(path, event.offsetX * ratio, event.offsetY * ratio));
      }
      hover.textContent = edge ? edge[1] : HOVER;
    });
    canvas.addEventListener("mouseleave", () => { hover.textContent = HOVER; });
    const paint = () => {
      pending = false;
      const frame = model.get("frame"), sizes = frame.layer_sizes, names = model.get("features");
      const units = bytes(frame.units), inputs = bytes(model.get("inputs")), output = bytes(frame.output);
      const grid = Math.sqrt(output.length), cells = grid * grid;  // every picture is grid x grid
      const columns = sizes.slice(0, -1), left = 10 + columns.length * (UNIT + GAP);  // inputs, hidden layers; output
      const place = (layer, j) => (layer < columns.length ? [10 + layer * (UNIT + GAP), TOP + j * (UNIT + 10)]
                                                          : [left, TOP + OUTPUT / 2 - UNIT / 2]);
      const unit = (layer, j) => (layer === 0 ? names[j]
                                              : layer < columns.length ? `hidden ${layer} unit ${j + 1}` : "output");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, WIDTH, HEIGHT);
      ctx.font = "12px sans-serif";
      ctx.fillStyle = "#333";
      // edges first, under the units: colour by sign, width by size relative to the layer's largest weight
      edges = [];
      frame.weights.forEach((w, layer) => {
        const W = new Float32Array(bytes(w).slice().buffer), nOut = sizes[layer + 1];
        const largest = Math.max(...W.map(Math.abs), 1e-9);
        for (let i = 0; i < sizes[layer]; i++) for (let j = 0; j < nOut; j++) {
          const v = W[i * nOut + j], [x0, y0] = place(layer, i), [x1, y1] = place(layer + 1, j);
          const path = new Path2D(`M${x0 + UNIT},${y0 + UNIT / 2}L${x1},${y1 + UNIT / 2}`);
          ctx.strokeStyle = `rgb(${v < 0 ? ORANGE : BLUE})`;
          ctx.lineWidth = 0.5 + 3.5 * Math.abs(v) / largest;
          ctx.stroke(path);
          const weight = `W${layer + 1}[${i + 1}, ${j + 1}] = ${v.toFixed(4)}`;
          edges.push([path, `${weight}: ${unit(layer, i)} → ${unit(layer + 1, j)}`]);
        }
        const x = place(layer, 0)[0] + UNIT + 5;  // this layer's |dW|, under its edges
        ctx.fillText(`|dW${layer + 1}|`, x, HEIGHT - 18);
        ctx.fillText(frame.gradient_norms[layer].toExponential(1), x, HEIGHT - 4);
      });
      // the units: the input features, then each hidden layer's units, a dead unit framed red
      let hidden = 0;  // the hidden units drawn so far: where the next one starts in `units`
      columns.forEach((n, layer) => {
        ctx.fillText(layer === 0 ? "inputs" : `hidden ${layer}`, place(layer, 0)[0], 14);
        for (let j = 0; j < n; j++) {
          const [x, y] = place(layer, j), dead = layer > 0 && frame.dead[layer - 1][j];
          heatmap(ctx, layer === 0 ? inputs : units, (layer === 0 ? j : hidden++) * cells, grid, [x, y, UNIT]);
          ctx.strokeStyle = dead ? "#d62728" : "#999";
          ctx.lineWidth = dead ? 2 : 1;
          ctx.strokeRect(x, y, UNIT, UNIT);
          if (layer === 0) ctx.fillText(names[j] || "", x, y + UNIT + 9);
        }
      });
      // the output, paler so the points stand out, with the points (the test points ringed black)
      heatmap(ctx, output, 0, grid, [left, TOP, OUTPUT], 0.55, model.get("discretize"));
      ctx.fillText("output", left, 14);
      const points = new Float32Array(bytes(model.get("points")).slice().buffer);
      ctx.lineWidth = 1;
      for (let i = 0; i < points.length; i += 4) {
        if (points[i + 3] > 0.5 && !model.get("show_test_data")) continue;
        const dot = new Path2D();
        dot.arc(left + points[i] * OUTPUT, TOP + (1 - points[i + 1]) * OUTPUT, 3, 0, 2 * Math.PI);
        ctx.fillStyle = `rgb(${colour(127.5 * (points[i + 2] + 1))})`;
        ctx.strokeStyle = points[i + 3] > 0.5 ? "black" : "white";
        ctx.fill(dot);
        ctx.stroke(dot);
      }
      // under it the loss curves: training, and test dashed
      const train = frame.train_loss, val = frame.val_loss, top = TOP + OUTPUT + 24, h = HEIGHT - top - 4;
      const high = Math.max(...train, ...val, 1e-9), n = Math.max(train.length - 1, 1);
      ctx.strokeStyle = "#ccc";
      ctx.strokeRect(left, top, OUTPUT, h);
      ctx.strokeStyle = ctx.fillStyle = "#333";
      for (const [values, dash] of [[val, [4, 3]], [train, []]]) {  // the solid line last, and left on
        ctx.setLineDash(dash);
        const corners = values.map((v, i) => [left + (i / n) * OUTPUT, top + h - (v / high) * h]);
        ctx.stroke(new Path2D(`M${corners.join("L")}`));
      }
      ctx.fillText(`loss: training ${train.at(-1).toFixed(3)}, test ${val.at(-1).toFixed(3)} (dashed)`, left, top - 6);
      epoch.textContent = `epoch ${frame.epoch}`;  // from the same message as every picture above
      const kept = model.get("timeline");
      scrub.max = Math.max(kept.length - 1, 0);
      if (model.get("playing") || kept.at(-1) === frame.epoch) scrub.value = scrub.max;
      message.textContent = model.get("message");
      play.disabled = model.get("playing");
      pause.disabled = !model.get("playing");
      el.dispatchEvent(new CustomEvent("drawn", { bubbles: true, detail: { epoch: frame.epoch } }));
    };
    const later = () => { pending ||= requestAnimationFrame(paint); };  // at most one paint per display frame
    for (const name of ["frame", "message", "playing", "timeline", "points", "inputs", "features", "show_test_data",
                        "discretize"]) model.on(`change:${name}`, later);
    paint();
  },
};
