"""Talk to MACRS in a browser (`make chat`): a Gradio page on 127.0.0.1.

Beside the chat: this turn's three candidate responses, the planner's choice and reasons, the profile
(information-level memory) and the strategy suggestions (strategy-level memory); a recommendation
shows as a plan card, and the accepted plan as the final card. Offline by default (the stand-in model,
no simulated latency); with a key or ``TUTORIAL_BASE_URL`` the same page runs on a real model.

Why Gradio: a maintained UI library whose ``Blocks`` give a chat and side panels in a few lines of
Python, with its frontend bundled in the wheel (nothing fetched from a CDN to run it); it co-installs
with this project's pinned FastAPI, Starlette and pydantic. Chainlit was the other candidate; its
one-chat-per-app model fits less well for the side panels.

Usage::

    python -m tutorial_helpers.patterns.conversational.chat_app --port 7860 --today 2026-11-22
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
from typing import Any

from tutorial_helpers.domain import BirthdayPlan

DEFAULT_TODAY = dt.date(2026, 11, 22)  # the README scenario's today; the page never reads the machine clock


def plan_card(plan: BirthdayPlan | None, accepted: bool = False) -> str:
    """The plan as an HTML card (empty text when there is no plan yet)."""
    if plan is None:
        return "<div id='plan-card'><em>No plan yet.</em></div>"
    rows = "".join(f"<tr><td>{html.escape(p.category)}</td><td>{html.escape(p.name)}</td>"
                   f"<td><code>{html.escape(p.id)}</code></td>"
                   f"<td style='text-align:right'>${p.subtotal:,.2f}</td></tr>" for p in plan.items)
    title = "Accepted plan" if accepted else "Recommended plan"
    colour = "#2e7d32" if accepted else "#1565c0"
    return (f"<div id='plan-card' data-accepted='{str(accepted).lower()}' "
            f"style='border:2px solid {colour};border-radius:10px;padding:10px'>"
            f"<h3 style='color:{colour};margin:0 0 6px 0'>{title}</h3><table style='width:100%'>{rows}"
            f"<tr><td colspan='3'><b>Total</b></td>"
            f"<td style='text-align:right'><b>${plan.total_cost:,.2f}</b></td></tr></table>"
            f"<p style='font-size:0.85em'>Every item is from the catalog and passed the guardrail "
            f"against what you said.</p></div>")


class ChatSession:
    """One browser conversation: a MACRS recommender and what the side panels show."""

    def __init__(self, provider: Any = None, today: dt.date = DEFAULT_TODAY, max_turns: int = 12) -> None:
        from tutorial_helpers.patterns.conversational import MACRS

        self.today = today
        self.rec = MACRS(provider, seed=0)
        self.rec.start(today, max_turns)
        self.accepted = False

    def send(self, text: str) -> dict[str, Any]:
        """Process one user message; returns the reply and the panels' contents."""
        text = (text or "").strip()
        if not text:
            return {"reply": "Please type a message.", "act": "", "panels": self.panels({})}
        if self.accepted:
            return {"reply": "Your plan is booked. Reload the page to plan another birthday.", "act": "",
                    "panels": self.panels({})}
        turn = self.rec.respond(text)
        if turn.details.get("feedback_label") == "ACCEPT" and self.rec.mem.last_plan is not None:
            self.accepted = True
            reply = "Wonderful, it's booked! Here is the final plan."
        else:
            reply = turn.text
        return {"reply": reply, "act": "accepted" if self.accepted else turn.act, "panels": self.panels(turn.details)}

    def panels(self, details: dict[str, Any]) -> dict[str, str]:
        cands = details.get("candidates") or {}
        lines = []
        for act in ("ask", "chitchat", "recommend"):
            if act in cands:
                mark = " (**chosen**)" if self.rec.mem.act_history and self.rec.mem.act_history[-1] == act else ""
                lines.append(f"**{act}**{mark}: {cands[act]}".replace("\n", " · "))
        planner = ""
        if details:
            planner = (f"**Planner chose:** `{self.rec.mem.act_history[-1] if self.rec.mem.act_history else '-'}`  \n"
                       f"**Reasoning:** {details.get('reasoning') or '-'}  \n"
                       f"**Justification:** {details.get('justification') or '-'}"
                       + (f"  \n**Feedback label:** {details['feedback_label']}"
                          if details.get("feedback_label") else ""))
        prof = self.rec.mem.request().model_dump(mode="json", exclude_defaults=True)
        sugg = {k: v for k, v in vars(self.rec.mem.suggestions).items() if v}
        return {"candidates": "\n\n".join(lines) or "_(no turn yet)_", "planner": planner or "_(no turn yet)_",
                "profile": json.dumps(prof, indent=1), "suggestions": json.dumps(sugg, indent=1) if sugg else "{}",
                "plan": plan_card(self.rec.mem.last_plan, self.accepted)}


def build_app(provider: Any = None, today: dt.date = DEFAULT_TODAY) -> Any:
    """The Gradio ``Blocks`` app (one :class:`ChatSession` per browser session)."""
    import os

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no telemetry from the page
    import gradio as gr

    with gr.Blocks(title="MACRS birthday planner") as app:
        gr.Markdown(f"## Talk to MACRS: plan a birthday (today is {today.isoformat()})\n"
                    "Three responders write a candidate each turn; the planner picks one. "
                    "Say what you need; accept a plan by saying so.")
        session = gr.State(None)
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Conversation", elem_id="chat", height=520)
                box = gr.Textbox(label="Your message", elem_id="msg",
                                 placeholder="Hi, I need help with my daughter's birthday...")
                send = gr.Button("Send", elem_id="send", variant="primary")
            with gr.Column(scale=2):
                card = gr.HTML(plan_card(None), elem_id="plan")
                planner = gr.Markdown("_(no turn yet)_", elem_id="planner")
                with gr.Accordion("This turn's three candidates", open=True):
                    cands = gr.Markdown("_(no turn yet)_", elem_id="candidates")
                with gr.Accordion("Profile (information-level memory)", open=True):
                    profile = gr.Code("{}", language="json", elem_id="profile")
                with gr.Accordion("Strategy suggestions (strategy-level memory)", open=False):
                    suggestions = gr.Code("{}", language="json", elem_id="suggestions")

        def on_send(text: str, history: list[dict[str, str]] | None, sess: ChatSession | None) -> tuple[Any, ...]:
            sess = sess or ChatSession(provider, today)
            out = sess.send(text)
            history = [*(history or []), {"role": "user", "content": text},
                       {"role": "assistant", "content": out["reply"] + (f"\n\n_[{out['act']}]_" if out["act"] else "")}]
            p = out["panels"]
            return "", history, sess, p["planner"], p["candidates"], p["profile"], p["suggestions"], p["plan"]

        outputs = [box, chat, session, planner, cands, profile, suggestions, card]
        send.click(on_send, [box, chat, session], outputs)
        box.submit(on_send, [box, chat, session], outputs)
    return app


def serve(host: str = "127.0.0.1", port: int = 7860, today: dt.date = DEFAULT_TODAY, provider: Any = None,
          block: bool = True) -> Any:
    """Start the page; offline runs on a private stand-in without simulated latency. Returns the app."""
    from tutorial_helpers.llm import get_provider

    prov = get_provider(provider)
    if prov.is_offline:
        from tutorial_helpers.llm.offline import start_server

        server = start_server(latency_scale=0.0)
        prov = prov.model_copy(update={"base_url": server.base_url})
    app = build_app(prov, today)
    app.launch(server_name=host, server_port=port, prevent_thread_lock=not block, show_error=True, quiet=not block)
    return app


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Talk to MACRS in a browser (127.0.0.1).")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=7860)
    ap.add_argument("--today", type=dt.date.fromisoformat, default=DEFAULT_TODAY,
                    help="the conversation's today (YYYY-MM-DD)")
    ap.add_argument("--provider", default=None)
    args = ap.parse_args(argv)
    serve(args.host, args.port, args.today, args.provider)


if __name__ == "__main__":
    main()
