// 문자 발송: the recipient list, the byte counter and the sending of the composer (CC-63..CC-76).
// Numbers are checked on the server (one set of rules); this script keeps the list, counts bytes
// as text.byte_length does, and posts the form without leaving the page, so that nothing typed,
// attached or added is lost when the server refuses.
(function () {
  "use strict";

  // Bytes as Korean carriers bill them (EUC-KR): ASCII 1, every other code point 2.
  // `for … of` walks code points, so an emoji (two UTF-16 units) counts 2, as on the server.
  function byteLength(text) {
    let count = 0;
    for (const character of text) count += character.codePointAt(0) < 128 ? 1 : 2;
    return count;
  }
  window.sangdamByteLength = byteLength;

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, (whole, key) => (key in values ? String(values[key]) : whole));
  }

  function joinErrors(errors) {
    return Object.values(errors || {}).flat().join(" ");
  }

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  async function request(url, options) {
    const headers = { "X-Requested-With": "fetch", "X-CSRFToken": csrfToken() };
    try {
      const response = await fetch(url, { credentials: "same-origin", ...options, headers });
      const json = await response.json();
      return { ok: response.ok, json };
    } catch (error) {
      return { ok: false, json: null };
    }
  }

  document.addEventListener("alpine:init", () => {
    window.Alpine.data("composer", (config) => {
      // The list lives outside Alpine's reactivity (it may hold 100,000 rows); `version`
      // tells the page when it changed.
      const rows = [];
      const numbers = new Set();
      const strings = config.strings;

      return {
        config,
        version: 0,
        count: 0,
        page: 1,
        pageSize: 50,
        tab: "search",
        feedback: { number: "", search: "", residents: "", paste: "", excel: "", prefill: "" },
        sourceErrors: { number: "", search: "", residents: "", paste: "", excel: "" },
        badLines: { paste: [], excel: [] },
        nameText: "",
        numberText: "",
        pasteText: "",
        apartment: "",
        block: "",
        busy: false,
        body: "",
        hasImage: false,
        imageName: "",
        imageSize: 0,
        imageError: "",
        mode: config.mode,
        errors: config.errors || {},
        templateId: "",

        init() {
          this.body = this.$refs.body.value;
          if (config.recipients.length) this.add(config.recipients, "prefill");
        },

        // ------------------------------------------------------------------ the list
        add(list, source) {
          let added = 0;
          let present = 0;
          for (const row of list) {
            if (numbers.has(row.phone)) {
              present += 1;
              continue;
            }
            numbers.add(row.phone);
            rows.push({
              phone: row.phone,
              name: row.name || "",
              customer_id: row.customer_id ?? null,
              display: row.display || row.phone,
            });
            added += 1;
          }
          this.changed();
          if (added) delete this.errors.recipients;
          if (source) this.feedback[source] = format(strings.added, { added, present });
          return added;
        },
        remove(phone) {
          const index = rows.findIndex((row) => row.phone === phone);
          if (index >= 0) rows.splice(index, 1);
          numbers.delete(phone);
          this.changed();
        },
        clearAll() {
          rows.length = 0;
          numbers.clear();
          this.changed();
          for (const key of Object.keys(this.feedback)) this.feedback[key] = "";
        },
        changed() {
          this.count = rows.length;
          this.page = Math.min(this.page, this.pages());
          this.version += 1;
        },
        pages() {
          return Math.max(1, Math.ceil(this.count / this.pageSize));
        },
        pageRows() {
          this.version; // a dependency: the rows changed
          const start = (this.page - 1) * this.pageSize;
          return rows.slice(start, start + this.pageSize).map((row, i) => ({ ...row, position: start + i + 1 }));
        },
        recipientsJson() {
          return JSON.stringify(rows.map((row) => ({ phone: row.phone, name: row.name, customer_id: row.customer_id })));
        },

        // --------------------------------------------------------------- the sources
        async addNumber() {
          const data = new FormData();
          data.set("name", this.nameText);
          data.set("phone", this.numberText);
          this.sourceErrors.number = "";
          this.feedback.number = "";
          const { ok, json } = await request(config.urls.number, { method: "POST", body: data });
          if (!ok) {
            this.sourceErrors.number = json ? joinErrors(json.errors) : strings.failed;
            return;
          }
          this.add(json.recipients, "number");
          this.nameText = "";
          this.numberText = "";
          this.$refs.nameInput.focus();
        },
        searchBoxes() {
          return Array.from(this.$root.querySelectorAll("#search-results input[data-phone]:not(:disabled)"));
        },
        selectAll() {
          const boxes = this.searchBoxes();
          const all = boxes.length && boxes.every((box) => box.checked);
          for (const box of boxes) box.checked = !all;
        },
        addTicked() {
          const ticked = this.searchBoxes().filter((box) => box.checked);
          this.sourceErrors.search = "";
          if (!ticked.length) {
            this.feedback.search = "";
            this.sourceErrors.search = strings.tick;
            return;
          }
          this.add(
            ticked.map((box) => ({
              phone: box.dataset.phone,
              name: box.dataset.name,
              customer_id: Number(box.dataset.customerId) || null,
              display: box.dataset.display,
            })),
            "search",
          );
          for (const box of ticked) box.checked = false;
        },
        async addResidents() {
          this.sourceErrors.residents = "";
          this.feedback.residents = "";
          const query = new URLSearchParams({ apartment: this.apartment, block: this.block });
          const { ok, json } = await request(`${config.urls.residents}?${query}`, { method: "GET" });
          if (!ok) {
            this.sourceErrors.residents = json ? joinErrors(json.errors) : strings.failed;
            return;
          }
          this.add(json.recipients, "residents");
        },
        async addPasted() {
          const data = new FormData();
          data.set("numbers", this.pasteText);
          this.sourceErrors.paste = "";
          this.feedback.paste = "";
          this.badLines.paste = [];
          const { ok, json } = await request(config.urls.paste, { method: "POST", body: data });
          if (!ok) {
            this.sourceErrors.paste = json ? joinErrors(json.errors) : strings.failed;
            return;
          }
          this.add(json.recipients, "paste");
          this.badLines.paste = json.bad_lines;
        },
        async addExcel(form) {
          this.sourceErrors.excel = "";
          this.feedback.excel = "";
          this.badLines.excel = [];
          const { ok, json } = await request(config.urls.excel, { method: "POST", body: new FormData(form) });
          if (!ok) {
            this.sourceErrors.excel = json ? joinErrors(json.errors) : strings.failed;
            return;
          }
          this.add(json.recipients, "excel");
          this.badLines.excel = json.bad_lines;
        },

        // ------------------------------------------------------------- the message
        bytes() {
          return byteLength(this.body);
        },
        kind() {
          if (this.hasImage) return "MMS";
          return this.bytes() <= config.smsMax ? "SMS" : "LMS";
        },
        limit() {
          return this.kind() === "SMS" ? config.smsMax : config.lmsMax;
        },
        titleEnabled() {
          return this.bytes() > config.smsMax || this.hasImage;
        },
        hasPlaceholder() {
          return this.body.includes(config.namePlaceholder) || this.body.includes(config.datePlaceholder);
        },
        typed(event) {
          this.body = event.target.value;
          delete this.errors.body;
        },
        setBody(value) {
          this.$refs.body.value = value;
          this.body = value;
          delete this.errors.body;
        },
        insert(token) {
          const area = this.$refs.body;
          const start = area.selectionStart ?? area.value.length;
          const end = area.selectionEnd ?? start;
          area.setRangeText(token, start, end, "end");
          this.setBody(area.value);
          area.focus();
        },
        applyTemplate(id) {
          const chosen = config.templates.find((t) => String(t.id) === String(id));
          if (chosen) this.setBody(chosen.body);
        },
        insertAdvertising() {
          let value = this.$refs.body.value;
          if (!value.trimStart().startsWith(config.adHeader)) value = `${config.adHeader}\n${value}`;
          if (config.adFooter && !value.includes(config.adFooter)) value = `${value.replace(/\s+$/, "")}\n${config.adFooter}`;
          this.setBody(value);
          this.$refs.advertising.checked = true;
        },
        pickImage(event) {
          const file = event.target.files[0];
          this.imageError = "";
          delete this.errors.image;
          if (!file) {
            this.removeImage();
            return;
          }
          const jpeg = /\.jpe?g$/i.test(file.name) && (!file.type || file.type === "image/jpeg");
          if (!jpeg) {
            this.imageError = strings.not_jpeg;
          } else if (file.size > config.imageMax) {
            this.imageError = format(strings.too_large, {
              size: Math.ceil(file.size / 1024).toLocaleString("en-US"),
              limit: config.imageMax / 1024,
            });
          }
          if (this.imageError) {
            event.target.value = "";
            this.hasImage = false;
            return;
          }
          this.hasImage = true;
          this.imageName = file.name;
          this.imageSize = file.size;
        },
        removeImage() {
          if (this.$refs.image) this.$refs.image.value = "";
          this.hasImage = false;
          this.imageName = "";
          this.imageSize = 0;
        },
        kilobytes(size) {
          return `${Math.ceil(size / 1024).toLocaleString("en-US")} KB`;
        },
        error(field) {
          return (this.errors[field] || []).join(" ");
        },

        // -------------------------------------------------------- preview and send
        async submit(action) {
          if (this.busy) return;
          this.busy = true;
          const form = this.$refs.form;
          const data = new FormData(form);
          data.delete("recipients");
          // A file part: a long list is not held to the size limit of a form field.
          data.append("recipients", new Blob([this.recipientsJson()], { type: "application/json" }), "recipients.json");
          data.set("action", action);
          // The form has buttons named "action": form.action would be one of them.
          const { json } = await request(form.getAttribute("action"), { method: "POST", body: data });
          if (json && json.redirect) {
            window.location.assign(json.redirect);
            return;
          }
          this.busy = false;
          this.errors = json ? json.errors || {} : { "": [strings.failed] };
          this.$refs.preview.innerHTML = (json && json.preview) || "";
          this.$nextTick(() => {
            const target = this.$root.querySelector(".sd-field-error:not(:empty)") || (json && json.preview ? this.$refs.preview : null);
            if (target) target.scrollIntoView({ behavior: "smooth", block: "center" });
          });
        },
      };
    });
  });
})();
