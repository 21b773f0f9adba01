"""A menu as a graph: where each node leads (for the checks) and a Graphviz drawing
(`acd ivr graph`)."""

from __future__ import annotations

from ivr import model as m

ENDS = (m.ToQueue, m.Transfer, m.Voicemail, m.CallbackRequest, m.Survey, m.Hangup)


def edges(node: m.Node) -> list[tuple[str, str]]:
    """(target node, label) for every way out of ``node`` within its menu."""
    match node:
        case m.Play() | m.SetValues():
            return [(node.next, "next")]
        case m.Menu():
            out = [
                (o.to, f"{o.key}" + (f" / {', '.join(o.words)}" if o.words else ""))
                for o in node.options
            ]
            return [*out, (node.on_fail, "on_fail")]
        case m.Collect():
            return [(node.next, "collected"), (node.on_fail, "on_fail")]
        case m.Condition():
            cases = [(case.to, f"case {i}") for i, case in enumerate(node.cases, start=1)]
            return [*cases, (node.otherwise, "else")]
        case m.Lookup():
            return [(node.next, "answered"), (node.on_error, "on_error")]
        case m.CallbackRequest():
            return [(node.on_fail, "on_fail")]
        case m.ToQueue() if node.after_call:
            return [(node.after_call, "after the call")]
        case m.Goto() if not node.to.menu:
            return [(node.to.node, "goto")]
    return []


def reachable(menu: m.IvrMenu) -> set[str]:
    """Nodes a call can reach from the start (and the surveys after calls)."""
    seen: set[str] = set()
    todo = [menu.start]
    while todo:
        name = todo.pop()
        if name in seen or name not in menu.nodes:
            continue
        seen.add(name)
        todo += [target for target, _ in edges(menu.nodes[name])]
    return seen


def end_nodes(menu: m.IvrMenu) -> set[str]:
    """Nodes from which a call can end (reach an end node, or leave for another menu)."""
    done = {
        name
        for name, node in menu.nodes.items()
        if isinstance(node, ENDS) or (isinstance(node, m.Goto) and node.to.menu)
    }
    changed = True
    while changed:
        changed = False
        for name, node in menu.nodes.items():
            if name not in done and any(t in done for t, _ in edges(node)):
                done.add(name)
                changed = True
    return done


def to_dot(menu: m.IvrMenu) -> str:
    lines = [
        f'digraph "{_esc(menu.name)}" {{',
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=11];',
        f'  "__entry" [shape=plaintext, label="{_esc(_entry_label(menu))}"];',
        f'  "__entry" -> "{_esc(menu.start)}";',
    ]
    for name, node in menu.nodes.items():
        shape = (
            "doubleoctagon"
            if isinstance(node, ENDS)
            else ("diamond" if isinstance(node, m.Condition | m.Lookup) else "box")
        )
        label = _esc(name) + "\\n" + _esc(f"{_kind(node)}{_detail(node)}")
        lines.append(f'  "{_esc(name)}" [shape={shape}, label="{label}"];')
        for target, edge in edges(node):
            lines.append(f'  "{_esc(name)}" -> "{_esc(target)}" [label="{_esc(edge)}"];')
        if isinstance(node, m.Goto) and node.to.menu:
            lines.append(f'  "{_esc(name)}" -> "menu {_esc(str(node.to))}" [label="goto"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _entry_label(menu: m.IvrMenu) -> str:
    parts = [*menu.entry.numbers, *(f"trunk {t}" for t in menu.entry.trunks)]
    return "calls to " + (", ".join(parts) or "(none)")


def _kind(node: m.Node) -> str:
    names = {m.SetValues: "set", m.ToQueue: "queue", m.CallbackRequest: "callback"}
    return names.get(type(node), type(node).__name__.lower())


def _detail(node: m.Node) -> str:
    match node:
        case m.ToQueue() | m.CallbackRequest():
            return f": {node.queue}"
        case m.Voicemail():
            return f": box {node.mailbox}"
        case m.Transfer():
            return f": {node.number or 'number dialled'}"
        case m.Survey():
            return f": {node.scale.value}"
    return ""


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
