#!/usr/bin/env python3
"""Prints the crate's public API, one item per line, sorted, from rustdoc's
JSON output (`--output-format json`, format version 53 as written by the
toolchain .ci/api.sh pins).

Every public path is listed with its signature: modules, functions and
methods, constants, structs with their public fields, enums with their
variants, traits with their items, and every trait implementation on a
public type (auto traits included, blanket implementations left out).
Lines are sorted, so the output changes only where the API does.

Usage: api_snapshot.py path/to/crate.json
"""

import json
import sys


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        doc = json.load(f)
    if doc.get("format_version") != 53:
        sys.exit(
            f"rustdoc JSON format {doc.get('format_version')}, expected 53: "
            "run through .ci/api.sh, which pins the toolchain"
        )
    root = doc["index"][str(doc["root"])]
    # The first walk learns each item's public path, the second writes
    # signatures with those paths (types in private modules are named where
    # users reach them).
    names = {}
    Walker(doc, set(), names).module(root, root["name"])
    lines = set()
    Walker(doc, lines, names).module(root, root["name"])
    for line in sorted(lines):
        print(line)


class Walker:
    def __init__(self, doc, lines, names):
        self.index = doc["index"]
        self.paths = doc["paths"]
        self.lines = lines
        self.names = names
        self.seen = set()

    def item(self, id_):
        return self.index.get(str(id_))

    # ---- items -------------------------------------------------------

    def module(self, item, path):
        self.lines.add(f"pub mod {path}")
        for child_id in item["inner"]["module"]["items"]:
            child = self.item(child_id)
            if child is None or child["visibility"] != "public":
                continue
            inner = child["inner"]
            if "use" in inner:
                use = inner["use"]
                target = self.item(use["id"]) if use["id"] is not None else None
                if target is None:
                    self.lines.add(f"pub use {path}::{use['name']} = {use['source']}")
                    continue
                if use["is_glob"]:
                    # Not used by this crate; listed as written.
                    self.lines.add(f"pub use {path}::{use['source']}::*")
                    continue
                self.public(target, f"{path}::{use['name']}")
            else:
                self.public(child, f"{path}::{child['name']}")

    def public(self, item, path):
        key = (item["id"], path)
        if key in self.seen:
            return
        self.seen.add(key)
        known = self.names.get(item["id"])
        if known is None or (path.count("::"), path) < (known.count("::"), known):
            self.names[item["id"]] = path
        inner = item["inner"]
        kind = next(iter(inner))
        body = inner[kind]
        attrs = self.attrs(item)
        if kind == "module":
            self.module(item, path)
        elif kind == "function":
            self.lines.add(f"{attrs}pub {self.function(path, body)}")
        elif kind == "constant":
            self.lines.add(f"pub const {path}: {self.ty(body['type'])}")
        elif kind == "static":
            mut = "mut " if body.get("is_mutable") else ""
            self.lines.add(f"pub static {mut}{path}: {self.ty(body['type'])}")
        elif kind == "type_alias":
            self.lines.add(
                f"pub type {path}{self.generics(body['generics'])} = {self.ty(body['type'])}"
            )
        elif kind == "struct":
            self.struct(item, body, path, attrs)
        elif kind == "enum":
            self.enum(item, body, path, attrs)
        elif kind == "trait":
            self.trait(item, body, path)
        elif kind in ("macro", "proc_macro"):
            self.lines.add(f"pub macro {path}!")
        else:
            self.lines.add(f"pub {kind} {path}")

    def attrs(self, item):
        wanted = [a for a in item.get("attrs", []) if isinstance(a, str) and "non_exhaustive" in a]
        return "#[non_exhaustive] " if wanted else ""

    def struct(self, item, body, path, attrs):
        generics = self.generics(body["generics"])
        self.lines.add(f"{attrs}pub struct {path}{generics}")
        kind = body["kind"]
        if isinstance(kind, dict) and "plain" in kind:
            for field_id in kind["plain"]["fields"]:
                field = self.item(field_id)
                if field and field["visibility"] == "public":
                    self.lines.add(f"pub {path}.{field['name']}: {self.ty(field['inner']['struct_field'])}")
        elif isinstance(kind, dict) and "tuple" in kind:
            for pos, field_id in enumerate(kind["tuple"]):
                field = self.item(field_id) if field_id is not None else None
                if field and field["visibility"] == "public":
                    self.lines.add(f"pub {path}.{pos}: {self.ty(field['inner']['struct_field'])}")
        self.impls(body["impls"], path)

    def enum(self, item, body, path, attrs):
        self.lines.add(f"{attrs}pub enum {path}{self.generics(body['generics'])}")
        for variant_id in body["variants"]:
            variant = self.item(variant_id)
            vattrs = self.attrs(variant)
            vkind = variant["inner"]["variant"]["kind"]
            vpath = f"{path}::{variant['name']}"
            if vkind == "plain":
                self.lines.add(f"{vattrs}{vpath}")
            elif "tuple" in vkind:
                fields = [self.item(f) for f in vkind["tuple"] if f is not None]
                types = ", ".join(self.ty(f["inner"]["struct_field"]) for f in fields)
                self.lines.add(f"{vattrs}{vpath}({types})")
            elif "struct" in vkind:
                self.lines.add(f"{vattrs}{vpath} {{ .. }}")
                for field_id in vkind["struct"]["fields"]:
                    field = self.item(field_id)
                    self.lines.add(f"{vpath}.{field['name']}: {self.ty(field['inner']['struct_field'])}")
        self.impls(body["impls"], path)

    def trait(self, item, body, path):
        bounds = self.bounds(body.get("bounds", []))
        colon = f": {bounds}" if bounds else ""
        self.lines.add(f"pub trait {path}{self.generics(body['generics'])}{colon}")
        for member_id in body["items"]:
            member = self.item(member_id)
            mkind = next(iter(member["inner"]))
            mbody = member["inner"][mkind]
            if mkind == "function":
                self.lines.add(self.function(f"{path}::{member['name']}", mbody))
            elif mkind == "assoc_type":
                self.lines.add(f"{path}::type {member['name']}")
            elif mkind == "assoc_const":
                self.lines.add(f"{path}::const {member['name']}: {self.ty(mbody['type'])}")

    def impls(self, impl_ids, path):
        for impl_id in impl_ids:
            impl_item = self.item(impl_id)
            if impl_item is None:
                continue
            impl = impl_item["inner"]["impl"]
            if impl["blanket_impl"] is not None:
                continue
            if impl["trait"] is None:
                for member_id in impl["items"]:
                    member = self.item(member_id)
                    if member is None or member["visibility"] != "public":
                        continue
                    mkind = next(iter(member["inner"]))
                    mbody = member["inner"][mkind]
                    mpath = f"{path}::{member['name']}"
                    if mkind == "function":
                        self.lines.add(f"{self.attrs(member)}pub {self.function(mpath, mbody)}")
                    elif mkind == "assoc_const":
                        self.lines.add(f"pub const {mpath}: {self.ty(mbody['type'])}")
                continue
            negative = "!" if impl["is_negative"] else ""
            trait = self.path(impl["trait"])
            generics = self.generics(impl["generics"])
            self.lines.add(
                f"impl{generics} {negative}{trait} for {self.ty(impl['for'])}{self.where(impl['generics'])}"
            )

    # ---- signatures --------------------------------------------------

    def function(self, path, body):
        header = body["header"]
        quals = ""
        if header.get("is_const"):
            quals += "const "
        if header.get("is_unsafe"):
            quals += "unsafe "
        if header.get("is_async"):
            quals += "async "
        sig = body["sig"]
        args = ", ".join(self.arg(n, t) for n, t in sig["inputs"])
        out = f" -> {self.ty(sig['output'])}" if sig["output"] is not None else ""
        generics = self.generics(body["generics"])
        return f"{quals}fn {path}{generics}({args}){out}{self.where(body['generics'])}"

    def arg(self, name, ty):
        if name == "self":
            if ty.get("generic") == "Self":
                return "self"
            ref = ty.get("borrowed_ref")
            if ref and ref["type"].get("generic") == "Self":
                return "&mut self" if ref["is_mutable"] else "&self"
        return f"{name}: {self.ty(ty)}"

    def generics(self, generics):
        params = []
        for p in generics["params"]:
            kind = p["kind"]
            if "lifetime" in kind:
                params.append(p["name"])
            elif "type" in kind:
                if kind["type"].get("is_synthetic"):
                    continue  # `impl Trait` arguments show where they are
                bounds = self.bounds(kind["type"]["bounds"])
                params.append(p["name"] + (f": {bounds}" if bounds else ""))
            elif "const" in kind:
                params.append(f"const {p['name']}: {self.ty(kind['const']['type'])}")
        return f"<{', '.join(params)}>" if params else ""

    def where(self, generics):
        preds = []
        for w in generics.get("where_predicates", []):
            if "bound_predicate" in w:
                b = w["bound_predicate"]
                preds.append(f"{self.ty(b['type'])}: {self.bounds(b['bounds'])}")
            elif "lifetime_predicate" in w:
                b = w["lifetime_predicate"]
                preds.append(f"{b['lifetime']}: {' + '.join(b['outlives'])}")
            elif "eq_predicate" in w:
                b = w["eq_predicate"]
                preds.append(f"{self.ty(b['lhs'])} = {self.term(b['rhs'])}")
        return f" where {', '.join(preds)}" if preds else ""

    def bounds(self, bounds):
        out = []
        for b in bounds:
            if "trait_bound" in b:
                tb = b["trait_bound"]
                modifier = "?" if tb.get("modifier") == "maybe" else ""
                out.append(modifier + self.path(tb["trait"]))
            elif "outlives" in b:
                out.append(b["outlives"])
            elif "use" in b:
                out.append("use<..>")
        return " + ".join(out)

    def path(self, p):
        """A type or trait path: its public path for this crate's items,
        the full path for other crates' (as rustdoc records them)."""
        id_ = p.get("id")
        name = self.names.get(id_)
        if name is None:
            summary = self.paths.get(str(id_))
            if summary is not None and summary.get("crate_id") != 0:
                name = "::".join(summary["path"])
            else:
                name = p["path"]
        return name + self.args(p.get("args"))

    def args(self, args):
        if not args:
            return ""
        if "angle_bracketed" in args:
            ab = args["angle_bracketed"]
            parts = []
            for a in ab["args"]:
                if "type" in a:
                    parts.append(self.ty(a["type"]))
                elif "lifetime" in a:
                    parts.append(a["lifetime"])
                elif "const" in a:
                    parts.append(a["const"].get("expr", "_"))
                else:
                    parts.append("_")
            for c in ab.get("constraints", []):
                binding = c["binding"]
                if "equality" in binding:
                    parts.append(f"{c['name']} = {self.term(binding['equality'])}")
                else:
                    parts.append(f"{c['name']}: {self.bounds(binding['constraint'])}")
            return f"<{', '.join(parts)}>" if parts else ""
        if "parenthesized" in args:
            pa = args["parenthesized"]
            inputs = ", ".join(self.ty(t) for t in pa["inputs"])
            out = f" -> {self.ty(pa['output'])}" if pa.get("output") else ""
            return f"({inputs}){out}"
        return ""

    def term(self, t):
        if "type" in t:
            return self.ty(t["type"])
        return t.get("constant", {}).get("expr", "_")

    def ty(self, t):
        if t is None:
            return "()"
        kind, v = next(iter(t.items()))
        if kind == "resolved_path":
            return self.path(v)
        if kind == "primitive":
            return v
        if kind == "generic":
            return v
        if kind == "tuple":
            return "(" + ", ".join(self.ty(x) for x in v) + ")"
        if kind == "slice":
            return f"[{self.ty(v)}]"
        if kind == "array":
            return f"[{self.ty(v['type'])}; {v['len']}]"
        if kind == "borrowed_ref":
            lifetime = f"{v['lifetime']} " if v.get("lifetime") else ""
            mut = "mut " if v["is_mutable"] else ""
            return f"&{lifetime}{mut}{self.ty(v['type'])}"
        if kind == "raw_pointer":
            return f"*{'mut' if v['is_mutable'] else 'const'} {self.ty(v['type'])}"
        if kind == "impl_trait":
            return f"impl {self.bounds(v)}"
        if kind == "dyn_trait":
            traits = [self.path(p["trait"]) for p in v["traits"]]
            if v.get("lifetime"):
                traits.append(v["lifetime"])
            return f"dyn {' + '.join(traits)}"
        if kind == "qualified_path":
            trait = f" as {self.path(v['trait'])}" if v.get("trait") else ""
            return f"<{self.ty(v['self_type'])}{trait}>::{v['name']}"
        if kind == "function_pointer":
            sig = v["sig"]
            args = ", ".join(self.ty(x) for _, x in sig["inputs"])
            out = f" -> {self.ty(sig['output'])}" if sig["output"] is not None else ""
            return f"fn({args}){out}"
        if kind == "infer":
            return "_"
        return f"<{kind}>"


if __name__ == "__main__":
    main()
