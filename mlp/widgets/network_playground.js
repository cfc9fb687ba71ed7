// The playground's front end (network_playground.py): controls, the network view and the output, drawn here.
// Every picture comes from one message (model "frame"); it is painted at the next animation frame, with the
// epoch of that same message. Fixed sizes everywhere, text at 12 px: nothing moves when a setting changes.
const UNIT = 40, OUTPUT = 260, GAP = 70, TOP = 26, HEIGHT = 8 * (UNIT + 10) + TOP;
const ORANGE = [245, 147, 34], BLUE = [8, 119, 189], WHITE = [255, 255, 255];

function colour(byte, strength) {  // TensorFlow Playground's scale: 0 orange (-1), 127.5 white (0), 255 blue (+1)
  const t = byte / 127.5 - 1, [end, s] = t < 0 ? [ORANGE, -t] : [BLUE, t];
  return WHITE.map((w, c) => w + strength * s * (end[c] - w));
}

function picture(bytes, offset, grid, strength = 1) {  // grid x grid bytes -> an ImageData, the lowest x2 at the bottom
  const image = new ImageData(grid, grid);
  for (let i = 0; i < grid * grid; i++) {
    const [r, g, b] = colour(bytes[offset + i], strength), row = grid - 1 - Math.floor(i / grid), k = 4 * (row * grid + (i % grid));
    image.data[k] = r; image.data[k + 1] = g; image.data[k + 2] = b; image.data[k + 3] = 255;
  }
  return image;
}

function element(tag, props = {}, style = "") {
  const node = Object.assign(document.createElement(tag), props);
  node.style.cssText = style;
  return node;
}

function control(label, input) {
  const box = element("label", {}, "font: 12px sans-serif; margin-right: 10px; white-space: nowrap");
  box.append(`${label} `, input);
  return box;
}

function select(options, value) {
  const node = element("select", {}, "font: 12px sans-serif");
  for (const option of options) node.append(element("option", { value: option, textContent: option }));
  node.value = value;
  return node;
}

export default {
  render({ model, el }) {
    el.classList.add("network-playground");
    const choices = model.get("choices");
    const bar = element("div", {}, "height: 56px; display: flex; flex-wrap: wrap; align-items: center; gap: 4px");
    const buttons = {};
    for (const name of ["play", "pause", "step", "reset"]) {
      buttons[name] = element("button", { textContent: name[0].toUpperCase() + name.slice(1) }, "font: 12px sans-serif");
      buttons[name].classList.add(`network-playground-${name}`);
    }
    const epoch = element("span", {}, "font: 12px sans-serif; display: inline-block; width: 7em");
    epoch.classList.add("network-playground-epoch");
    const dataset = select(choices.datasets, model.get("dataset"));
    const activation = select(choices.activations, model.get("activation"));
    const optimizer = select(choices.optimizers, model.get("optimizer"));
    const rate = select(["0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3"], String(model.get("learning_rate")));
    const batch = select(["1", "5", "10", "30", "100"], String(model.get("batch_size")));
    const l2 = select(["0", "0.0001", "0.001", "0.01", "0.1"], String(model.get("l2")));
    const scrub = element("input", { type: "range", min: 0, max: 0, value: 0 }, "width: 160px");
    scrub.classList.add("network-playground-timeline");
    bar.append(buttons.play, buttons.pause, buttons.step, buttons.reset, epoch, control("data", dataset),
               control("activation", activation), control("optimiser", optimizer), control("learning rate", rate),
               control("batch", batch), control("L2", l2), control("timeline", scrub));
    const features = element("div", {}, "height: 22px; font: 12px sans-serif");
    for (const name of choices.features) {
      const box = element("input", { type: "checkbox", checked: model.get("features").includes(name) });
      box.addEventListener("change", () => {
        const chosen = choices.features.filter((f, i) => features.querySelectorAll("input")[i].checked);
        if (chosen.length) { model.set("features", chosen); model.save_changes(); } else box.checked = true;
      });
      features.append(control(name, box));
    }
    const layers = element("div", {}, "height: 22px; font: 12px sans-serif");
    const hiddenText = element("input", { value: model.get("hidden").join(", ") }, "width: 90px; font: 12px sans-serif");
    hiddenText.addEventListener("change", () => {
      const sizes = hiddenText.value.split(",").map((s) => parseInt(s, 10)).filter((n) => n >= 1 && n <= 8).slice(0, 6);
      model.set("hidden", sizes); model.save_changes();
    });
    layers.append(control("hidden units per layer (1-8 each, up to 6 layers)", hiddenText));
    const ratio = window.devicePixelRatio || 1, width = 7 * (UNIT + GAP) + OUTPUT + 40;
    const canvas = element("canvas", {}, `width: ${width}px; height: ${HEIGHT}px; display: block`);
    canvas.width = width * ratio; canvas.height = HEIGHT * ratio;
    const message = element("div", {}, "height: 18px; font: 12px sans-serif; color: #b35806");
    el.append(bar, features, layers, canvas, message);

    const send = (name, value) => { model.set(name, value); model.save_changes(); };
    buttons.play.addEventListener("click", () => send("playing", true));
    buttons.pause.addEventListener("click", () => send("playing", false));
    buttons.step.addEventListener("click", () => model.send({ do: "step" }));
    buttons.reset.addEventListener("click", () => model.send({ do: "reset" }));
    dataset.addEventListener("change", () => send("dataset", dataset.value));
    activation.addEventListener("change", () => send("activation", activation.value));
    optimizer.addEventListener("change", () => send("optimizer", optimizer.value));
    rate.addEventListener("change", () => send("learning_rate", Number(rate.value)));
    batch.addEventListener("change", () => send("batch_size", Number(batch.value)));
    l2.addEventListener("change", () => send("l2", Number(l2.value)));
    scrub.addEventListener("input", () => model.send({ do: "scrub", epoch: model.get("timeline")[Number(scrub.value)] }));

    const ctx = canvas.getContext("2d");
    let pending = false;
    const paint = () => {
      pending = false;
      const frame = model.get("frame"), grid = frame.grid, sizes = frame.layer_sizes;
      const bytes = (v) => new Uint8Array(v.buffer ? v.buffer : v, v.byteOffset || 0, v.byteLength);
      const units = bytes(frame.units), inputs = bytes(frame.inputs), output = bytes(frame.output);
      const cell = new OffscreenCanvas(grid, grid), cellCtx = cell.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, width, HEIGHT);
      ctx.imageSmoothingEnabled = true;
      const columns = sizes.slice(0, -1);  // inputs, then every hidden layer
      const place = (layer, j) => [10 + layer * (UNIT + GAP), TOP + j * (UNIT + 10)];
      // edges first, under the units: colour by sign, width by size relative to the largest weight
      frame.weights.slice(0, -1).forEach((w, layer) => {
        const W = new Float32Array(bytes(w).slice().buffer), nOut = sizes[layer + 1];
        const largest = Math.max(...W.map(Math.abs), 1e-9);
        for (let i = 0; i < sizes[layer]; i++) for (let j = 0; j < nOut; j++) {
          const v = W[i * nOut + j], [x0, y0] = place(layer, i), [x1, y1] = place(layer + 1, j);
          ctx.strokeStyle = `rgb(${(v < 0 ? ORANGE : BLUE).join(",")})`;
          ctx.lineWidth = 0.5 + 3.5 * Math.abs(v) / largest;
          ctx.beginPath(); ctx.moveTo(x0 + UNIT, y0 + UNIT / 2); ctx.lineTo(x1, y1 + UNIT / 2); ctx.stroke();
        }
      });
      let offset = 0;
      columns.forEach((n, layer) => {
        ctx.font = "12px sans-serif"; ctx.fillStyle = "#333";
        const title = layer === 0 ? "inputs" : `hidden ${layer}`;
        ctx.fillText(title, place(layer, 0)[0], 14);
        for (let j = 0; j < n; j++) {
          const source = layer === 0 ? inputs : units, start = layer === 0 ? j * grid * grid : offset + j * grid * grid;
          cellCtx.putImageData(picture(source, start, grid), 0, 0);
          const [x, y] = place(layer, j);
          ctx.drawImage(cell, x, y, UNIT, UNIT);
          const dead = layer > 0 && frame.dead[layer - 1][j];
          ctx.strokeStyle = dead ? "#d62728" : "#999"; ctx.lineWidth = dead ? 2 : 1; ctx.strokeRect(x, y, UNIT, UNIT);
          if (layer === 0) { ctx.fillStyle = "#333"; ctx.fillText(model.get("features")[j] || "", x, y + UNIT + 9); }
        }
        if (layer > 0) {
          offset += n * grid * grid;
          const [x] = place(layer, 0), g = frame.gradient_norms[layer - 1];
          ctx.fillStyle = "#333"; ctx.fillText(`|dW${layer}| ${g.toExponential(1)}`, x - 6, HEIGHT - 4);
        }
      });
      // the output: a big picture with the points on it, then the loss curves
      const left = 10 + columns.length * (UNIT + GAP);
      cellCtx.putImageData(picture(output, 0, grid, 0.55), 0, 0);  // paler, so the points stand out
      ctx.drawImage(cell, left, TOP, OUTPUT, OUTPUT);
      ctx.fillStyle = "#333"; ctx.fillText("output", left, 14);
      const points = new Float32Array(model.get("points").buffer.slice(0));
      for (let i = 0; i < points.length; i += 4) {
        ctx.beginPath(); ctx.arc(left + points[i] * OUTPUT, TOP + (1 - points[i + 1]) * OUTPUT, 3, 0, 2 * Math.PI);
        ctx.fillStyle = `rgb(${(points[i + 2] > 0.5 ? BLUE : ORANGE).join(",")})`;
        ctx.globalAlpha = points[i + 3] > 0.5 ? 0.45 : 1; ctx.fill(); ctx.globalAlpha = 1;
        ctx.strokeStyle = "white"; ctx.lineWidth = 1; ctx.stroke();
      }
      const train = frame.train_loss, val = frame.val_loss, top = TOP + OUTPUT + 24, h = HEIGHT - top - 16;
      const high = Math.max(...train, ...val, 1e-9), n = Math.max(train.length - 1, 1);
      ctx.strokeStyle = "#ccc"; ctx.lineWidth = 1; ctx.strokeRect(left, top, OUTPUT, h);
      for (const [values, dash] of [[train, []], [val, [4, 3]]]) {
        ctx.setLineDash(dash); ctx.strokeStyle = "#333"; ctx.beginPath();
        values.forEach((v, i) => { const x = left + (i / n) * OUTPUT, y = top + h - (v / high) * h; i ? ctx.lineTo(x, y) : ctx.moveTo(x, y); });
        ctx.stroke();
      }
      ctx.setLineDash([]);
      ctx.fillStyle = "#333";
      ctx.fillText(`loss: training ${train[train.length - 1].toFixed(3)}, validation ${val[val.length - 1].toFixed(3)}`, left, HEIGHT - 4);
      epoch.textContent = `epoch ${frame.epoch}`;  // from the same message as every picture above
      const kept = model.get("timeline");
      scrub.max = Math.max(kept.length - 1, 0);
      if (model.get("playing") || kept[kept.length - 1] === frame.epoch) scrub.value = scrub.max;
      message.textContent = model.get("message");
      buttons.play.disabled = model.get("playing"); buttons.pause.disabled = !model.get("playing");
      el.dispatchEvent(new CustomEvent("drawn", { bubbles: true, detail: { epoch: frame.epoch } }));
    };
    const later = () => { if (!pending) { pending = true; requestAnimationFrame(paint); } };
    for (const name of ["frame", "message", "playing", "timeline"]) model.on(`change:${name}`, later);
    paint();
  },
};
