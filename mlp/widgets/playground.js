// The playground's front end (playground.py): controls, the network view and the output, drawn here.
// Every picture comes from one message (model "frame"); it is painted at the next animation frame, with the
// epoch of that same message. Fixed sizes everywhere, text at 12 px: nothing moves when a setting changes.
const UNIT = 40, OUTPUT = 240, GAP = 50, TOP = 26, HEIGHT = TOP + 8 * (UNIT + 10) + 30, WIDTH = 7 * (UNIT + GAP) + OUTPUT + 20;
const ORANGE = [245, 147, 34], BLUE = [8, 119, 189], WHITE = [255, 255, 255], FONT = "font: 12px sans-serif";

function colour(byte, strength) {  // TensorFlow Playground's scale: 0 orange (-1), 127.5 white (0), 255 blue (+1)
  const t = byte / 127.5 - 1, [end, s] = t < 0 ? [ORANGE, -t] : [BLUE, t];
  return WHITE.map((w, c) => w + strength * s * (end[c] - w));
}

const PALETTES = {};  // strength -> the colour of each byte 0..255
function picture(bytes, offset, grid, strength = 1, discrete = false) {  // grid x grid bytes -> ImageData, lowest x2 at the bottom
  const image = new ImageData(grid, grid), palette = (PALETTES[strength] ||= Array.from({ length: 256 }, (_, b) => colour(b, strength)));
  for (let i = 0; i < grid * grid; i++) {
    const byte = discrete ? (bytes[offset + i] >= 128 ? 255 : 0) : bytes[offset + i];
    const [r, g, b] = palette[byte], k = 4 * ((grid - 1 - Math.floor(i / grid)) * grid + (i % grid));
    image.data[k] = r; image.data[k + 1] = g; image.data[k + 2] = b; image.data[k + 3] = 255;
  }
  return image;
}

function element(tag, props = {}, style = "") {
  const node = Object.assign(document.createElement(tag), props);
  node.style.cssText = style;
  return node;
}

function labelled(label, ...inputs) {
  const box = element("label", {}, `${FONT}; white-space: nowrap; display: inline-flex; align-items: center; gap: 3px`);
  box.append(`${label} `, ...inputs);
  return box;
}

function setOptions(node, options, value) {  // a menu's options (the value among them), then its value
  const wanted = options.map(String).includes(String(value)) ? options.map(String) : [...options.map(String), String(value)];
  if ([...node.options].map((o) => o.value).join("|") !== wanted.join("|")) node.replaceChildren(...wanted.map((o) => element("option", { value: o, textContent: o })));
  node.value = String(value);
}

const bytes = (v) => new Uint8Array(v.buffer ? v.buffer : v, v.byteOffset || 0, v.byteLength);

export default {
  render({ model, el }) {
    const css = model.get("css_class");
    el.classList.add(css);
    el.addEventListener("keydown", (event) => event.stopPropagation());  // keys go to the controls, not to JupyterLab's notebook (its arrow keys move between cells)
    el.style.cssText = `${FONT}; width: ${WIDTH}px`;
    const choices = model.get("choices"), send = (name, value) => { model.set(name, value); model.save_changes(); };
    const row = () => element("div", {}, "height: 28px; display: flex; align-items: center; gap: 10px; white-space: nowrap; overflow: hidden");
    // bind(name, node, read, write): the control shows the model's value, and sends its own on change
    const bind = (name, node, read = (n) => n.value, write = (n, v) => { n.value = v; }) => {
      const show = () => write(node, model.get(name));
      node.addEventListener("change", () => { send(name, read(node)); show(); });
      model.on(`change:${name}`, show);
      show();
      return node;
    };
    const menu = (name, options, number = false) => bind(name, element("select", {}, FONT), (n) => (number ? Number(n.value) : n.value),
                                                    (n, v) => setOptions(n, typeof options === "function" ? options() : options, v));
    const box = (name) => bind(name, element("input", { type: "checkbox" }), (n) => n.checked, (n, v) => { n.checked = v; });
    const range = (name, min, max, step, fromModel, toModel, text) => {  // a slider with a readout of fixed width
      const readout = element("span", {}, "display: inline-block; width: 3em");
      const node = bind(name, element("input", { type: "range", min, max, step }, "width: 70px"), (n) => toModel(Number(n.value)),
                        (n, v) => { n.value = fromModel(v); readout.textContent = text(Number(n.value)); });
      node.addEventListener("input", () => { readout.textContent = text(Number(node.value)); });
      return [node, readout];
    };

    const buttons = {};
    for (const name of ["play", "pause", "step", "reset"]) {
      buttons[name] = element("button", { textContent: name[0].toUpperCase() + name.slice(1) }, `${FONT}; height: 24px`);
      buttons[name].classList.add(`${css}-${name}`);
    }
    const epoch = element("span", {}, "display: inline-block; width: 7em");
    epoch.classList.add(`${css}-epoch`);
    const scrub = element("input", { type: "range", min: 0, max: 0, value: 0 }, "width: 200px");
    scrub.classList.add(`${css}-timeline`);
    const controls = row();
    controls.append(buttons.play, buttons.pause, buttons.step, buttons.reset, epoch, labelled("timeline", scrub));
    const data = row();
    data.append(labelled("problem", menu("problem", Object.keys(choices.datasets))),
                labelled("data", menu("dataset", () => choices.datasets[model.get("problem")])),
                labelled("noise", ...range("noise", 0, 0.5, 0.05, (v) => v, (v) => v, (v) => v.toFixed(2))),
                labelled("training data", ...range("validation_share", 10, 90, 10, (v) => Math.round(100 * (1 - v)), (v) => 1 - v / 100, (v) => `${v}%`)),
                labelled("show test data", box("show_test_data")), labelled("discretise output", box("discretize")));
    const network = row();
    const features = choices.features.map((name) => element("input", { type: "checkbox", name }));
    const showFeatures = () => features.forEach((f) => { f.checked = model.get("features").includes(f.name); });
    features.forEach((f) => f.addEventListener("change", () => {
      const chosen = features.filter((g) => g.checked).map((g) => g.name);
      if (chosen.length) send("features", chosen); else f.checked = true;
    }));
    model.on("change:features", showFeatures); showFeatures();
    const hidden = bind("hidden", element("input", {}, `width: 110px; ${FONT}`),
                        (n) => n.value.split(",").map((s) => parseInt(s, 10)).filter((k) => k >= 1 && k <= 8).slice(0, 6),
                        (n, v) => { n.value = v.join(", "); });
    network.append(...features.map((f) => labelled(f.name, f)), labelled("hidden units per layer (1-8 each, up to 6 layers)", hidden));
    const training = row();
    training.append(labelled("activation", menu("activation", choices.activations)),
                    labelled("optimiser", menu("optimizer", choices.optimizers)),
                    labelled("learning rate", menu("learning_rate", [0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3], true)),
                    labelled("batch", menu("batch_size", [1, 5, 10, 30, 100], true)),
                    labelled("regularisation", menu("regularization", ["none", "L1", "L2"])),
                    labelled("rate", menu("regularization_rate", [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3], true)));
    const ratio = window.devicePixelRatio || 1;
    const canvas = element("canvas", {}, `width: ${WIDTH}px; height: ${HEIGHT}px; display: block`);
    canvas.width = WIDTH * ratio; canvas.height = HEIGHT * ratio;
    const hover = element("div", { textContent: "hover over an edge for its weight" }, "height: 18px; color: #555; white-space: nowrap; overflow: hidden");
    const message = element("div", {}, "height: 32px; line-height: 16px; overflow: hidden; color: #b35806");  // two lines at most
    el.append(controls, data, network, training, canvas, hover, message);

    buttons.play.addEventListener("click", () => send("playing", true));
    buttons.pause.addEventListener("click", () => send("playing", false));
    buttons.step.addEventListener("click", () => model.send({ do: "step" }));
    buttons.reset.addEventListener("click", () => model.send({ do: "reset" }));
    scrub.addEventListener("input", () => model.send({ do: "scrub", epoch: model.get("timeline")[Number(scrub.value)] }));

    let edges = [];  // [x0, y0, x1, y1, text] of every edge drawn, for the hover
    canvas.addEventListener("mousemove", (event) => {
      const [x, y] = [event.offsetX, event.offsetY];
      let best = null, nearest = 5;  // px
      for (const [x0, y0, x1, y1, text] of edges) {
        const dx = x1 - x0, dy = y1 - y0, t = Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)));
        const d = Math.hypot(x - x0 - t * dx, y - y0 - t * dy);
        if (d < nearest) [best, nearest] = [text, d];
      }
      hover.textContent = best || "hover over an edge for its weight";
    });
    canvas.addEventListener("mouseleave", () => { hover.textContent = "hover over an edge for its weight"; });

    const ctx = canvas.getContext("2d");
    let pending = false;
    const paint = () => {
      pending = false;
      const frame = model.get("frame"), grid = frame.grid, sizes = frame.layer_sizes, names = model.get("features");
      const units = bytes(frame.units), inputs = bytes(frame.inputs), output = bytes(frame.output);
      const cell = new OffscreenCanvas(grid, grid), cellCtx = cell.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, WIDTH, HEIGHT);
      ctx.font = "12px sans-serif"; ctx.fillStyle = "#333";
      const columns = sizes.slice(0, -1), left = 10 + columns.length * (UNIT + GAP);  // inputs, hidden layers; the output
      const place = (layer, j) => (layer < columns.length ? [10 + layer * (UNIT + GAP), TOP + j * (UNIT + 10)] : [left, TOP + OUTPUT / 2 - UNIT / 2]);
      const unitName = (layer, j) => (layer === 0 ? names[j] : layer === columns.length ? "output" : `hidden ${layer} unit ${j + 1}`);
      // edges first, under the units: colour by sign, width by size relative to the layer's largest weight
      edges = [];
      frame.weights.forEach((w, layer) => {
        const W = new Float32Array(bytes(w).slice().buffer), nOut = sizes[layer + 1], largest = Math.max(...W.map(Math.abs), 1e-9);
        for (let i = 0; i < sizes[layer]; i++) for (let j = 0; j < nOut; j++) {
          const v = W[i * nOut + j], [x0, y0] = place(layer, i), [x1, y1] = place(layer + 1, j);
          ctx.strokeStyle = `rgb(${(v < 0 ? ORANGE : BLUE).join(",")})`;
          ctx.lineWidth = 0.5 + 3.5 * Math.abs(v) / largest;
          ctx.beginPath(); ctx.moveTo(x0 + UNIT, y0 + UNIT / 2); ctx.lineTo(x1, y1 + UNIT / 2); ctx.stroke();
          edges.push([x0 + UNIT, y0 + UNIT / 2, x1, y1 + UNIT / 2,
                      `W${layer + 1}[${i + 1}, ${j + 1}] = ${v.toFixed(4)}: ${unitName(layer, i)} → ${unitName(layer + 1, j)}`]);
        }
        const g = frame.gradient_norms[layer], x = place(layer, 0)[0] + UNIT + 5;  // this layer's |dW|, under its edges
        ctx.fillText(`|dW${layer + 1}|`, x, HEIGHT - 18); ctx.fillText(g.toExponential(1), x, HEIGHT - 4);
      });
      let offset = 0;
      columns.forEach((n, layer) => {
        ctx.fillText(layer === 0 ? "inputs" : `hidden ${layer}`, place(layer, 0)[0], 14);
        for (let j = 0; j < n; j++) {
          cellCtx.putImageData(picture(layer === 0 ? inputs : units, layer === 0 ? j * grid * grid : offset + j * grid * grid, grid), 0, 0);
          const [x, y] = place(layer, j), dead = layer > 0 && frame.dead[layer - 1][j];
          ctx.drawImage(cell, x, y, UNIT, UNIT);
          ctx.strokeStyle = dead ? "#d62728" : "#999"; ctx.lineWidth = dead ? 2 : 1; ctx.strokeRect(x, y, UNIT, UNIT);
          if (layer === 0) ctx.fillText(names[j] || "", x, y + UNIT + 9);
        }
        if (layer > 0) offset += n * grid * grid;
      });
      // the output: a big picture with the points on it, then the loss curves
      cellCtx.putImageData(picture(output, 0, grid, 0.55, model.get("discretize")), 0, 0);  // paler, so the points stand out
      ctx.drawImage(cell, left, TOP, OUTPUT, OUTPUT);
      ctx.fillText("output", left, 14);
      const points = new Float32Array(bytes(model.get("points")).slice().buffer), showTest = model.get("show_test_data");
      for (let i = 0; i < points.length; i += 4) {
        if (points[i + 3] > 0.5 && !showTest) continue;
        ctx.beginPath(); ctx.arc(left + points[i] * OUTPUT, TOP + (1 - points[i + 1]) * OUTPUT, 3, 0, 2 * Math.PI);
        ctx.fillStyle = `rgb(${colour(127.5 * (points[i + 2] + 1), 1).join(",")})`; ctx.fill();
        ctx.strokeStyle = points[i + 3] > 0.5 ? "black" : "white"; ctx.lineWidth = 1; ctx.stroke();  // test points ringed black
      }
      const train = frame.train_loss, val = frame.val_loss, top = TOP + OUTPUT + 24, h = HEIGHT - top - 4;
      const high = Math.max(...train, ...val, 1e-9), n = Math.max(train.length - 1, 1);
      ctx.strokeStyle = "#ccc"; ctx.lineWidth = 1; ctx.strokeRect(left, top, OUTPUT, h);
      for (const [values, dash] of [[train, []], [val, [4, 3]]]) {
        ctx.setLineDash(dash); ctx.strokeStyle = "#333"; ctx.beginPath();
        values.forEach((v, i) => { const x = left + (i / n) * OUTPUT, y = top + h - (v / high) * h; i ? ctx.lineTo(x, y) : ctx.moveTo(x, y); });
        ctx.stroke();
      }
      ctx.setLineDash([]); ctx.fillStyle = "#333";
      ctx.fillText(`loss: training ${train[train.length - 1].toFixed(3)}, test ${val[val.length - 1].toFixed(3)} (dashed)`, left, top - 6);
      epoch.textContent = `epoch ${frame.epoch}`;  // from the same message as every picture above
      const kept = model.get("timeline");
      scrub.max = Math.max(kept.length - 1, 0);
      if (model.get("playing") || kept[kept.length - 1] === frame.epoch) scrub.value = scrub.max;
      message.textContent = model.get("message");
      buttons.play.disabled = model.get("playing"); buttons.pause.disabled = !model.get("playing");
      el.dispatchEvent(new CustomEvent("drawn", { bubbles: true, detail: { epoch: frame.epoch } }));
    };
    const later = () => { if (!pending) { pending = true; requestAnimationFrame(paint); } };
    for (const name of ["frame", "message", "playing", "timeline", "points", "features", "show_test_data", "discretize"]) model.on(`change:${name}`, later);
    paint();
  },
};
