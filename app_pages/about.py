"""About: what Parley is, how far to trust each stance (per-stance precision and recall), and how
positions are reviewed, grouped and followed over time."""
import streamlit as st

from core import EXTRACTOR_VERSION
from core.measure.accuracy import confidence_table, learning_curve_table
from core.present.colors import stance_color
from ui import cache

st.title("About Parley")
st.markdown(
    "Parley reads news articles about Russia, NATO, the United States, Ukraine and the European Union and "
    "turns each stated stance into a **position**: who (actor and speaker) does what with words "
    "(demand, concession, dialogue, rejection, warning, accusation, denial, support, assertion) "
    "to whom, on which issue, when, with the sentence that says it as evidence. "
    "The pages let you follow who demands what of whom, and when a side moved."
)

st.header("How far to trust each stance")
acc = cache.accuracy()
st.caption(acc.source)
if not acc.available:
    st.warning("No accuracy figures yet: read every stance as unchecked, and check rows on the Review page.",
               icon=":material/help:")
else:
    if acc.note:
        st.info(acc.note, icon=":material/info:")
    if acc.unseen.get("L1_f1") is not None:
        a, b, c = st.columns(3)
        a.metric("Positions found, unseen articles (L1 F1)", f"{acc.unseen['L1_f1']:.2f}")
        b.metric("…and their issue (L2 F1)", f"{acc.unseen.get('L2_f1') or 0:.2f}")
        c.metric("Speaker right (unseen articles)", f"{acc.unseen.get('speaker') or 0:.2f}")
        a, b, _ = st.columns(3)
        a.metric("Date right (unseen articles)", f"{acc.unseen.get('date') or 0:.2f}")
        b.metric("Target right (unseen articles)", f"{acc.unseen.get('target') or 0:.2f}")
    if acc.overall.get("L1"):
        l1, l2 = acc.overall.get("L1", {}), acc.overall.get("L2", {})
        a, b, c = st.columns(3)
        a.metric("Positions found, dev articles (L1 F1)", f"{l1.get('f1', 0):.2f}")
        b.metric("…and their issue (L2 F1)", f"{l2.get('f1', 0):.2f}" if l2 else "—")
        c.metric("Annotated articles", f"{acc.articles:,}" if acc.articles else "—")
    st.markdown(
        "**Precision**: of the positions Parley gives this stance, the share an annotator gave too. "
        "**Recall**: of the annotators' positions with this stance, the share Parley found. "
        "Matched on sentence, actor and stance, by the shared scorer. "
        "**f1_unseen**: the same F1 when each article is scored by a model that never saw it "
        "(cross-validation by article) — the figure to expect on the articles you add."
    )
    colored = acc.table.style.map(lambda s: f"color: {stance_color(s)}; font-weight: 600", subset=["stance"])
    st.dataframe(colored, hide_index=True, width="stretch", column_config={
        "precision": st.column_config.NumberColumn(format="%.2f"),
        "recall": st.column_config.NumberColumn(format="%.2f"),
        "f1": st.column_config.NumberColumn(format="%.2f"),
        "f1_unseen": st.column_config.NumberColumn(format="%.2f"),
    })
    by_confidence = confidence_table(acc)
    if not by_confidence.empty:
        st.subheader("Trading recall for precision")
        st.markdown(
            "Every position carries the extractor's own **confidence**. The sidebar's *Minimum confidence* "
            "(`?conf=0.5` in a link) keeps only those scored at least that sure of; reviewed positions always "
            "show. On articles the model never saw, this is what each cut keeps: **precision**, the share of "
            "kept positions an annotator gave too; **recall**, the share of the annotators' positions kept."
        )
        st.dataframe(by_confidence, hide_index=True, column_config={
            "min_confidence": st.column_config.NumberColumn("minimum confidence", format="%.1f"),
            "precision": st.column_config.NumberColumn(format="%.2f"),
            "recall": st.column_config.NumberColumn(format="%.2f"),
        })
    curve = learning_curve_table(acc)
    if not curve.empty:
        st.subheader("Would more annotation help?")
        st.markdown(
            "Cross-validated F1 when each fold learns from only a share of its training articles, for the "
            "linear models alone (encoder weight 0) and with the two networks (the sentence encoder, and the "
            "issue network that L2 also reads): a curve still rising at "
            "the right says more annotated articles would still pay."
        )
        st.dataframe(curve, hide_index=True, column_config={
            "fraction": st.column_config.NumberColumn("share of training articles", format="%.2f"),
            "encoder_weight": st.column_config.NumberColumn("encoder weight", format="%.2f"),
            "L1_f1": st.column_config.NumberColumn("L1 F1", format="%.3f"),
            "L2_f1": st.column_config.NumberColumn("L2 F1", format="%.3f"),
        })
    version = acc.extractor_version or "not recorded in the report"
    when = f", scored {acc.when}" if acc.when else ""
    st.caption(f"Extractor now running: {EXTRACTOR_VERSION}; version scored: {version}{when}.")
    if acc.extractor_version and acc.extractor_version != EXTRACTOR_VERSION:
        st.warning("These figures belong to an older extractor version: the one running now may score "
                   "differently.", icon=":material/history:")

st.header("Checking, grouping, shifts")
st.markdown(
    "- **Review**: every position can be accepted, rejected or edited by a named reviewer, and missed ones "
    "added; decisions are kept in an audit trail and survive re-extraction. Views can show only reviewed "
    "positions (`?_reviewed=1`), and exports carry each row's `review_status`.\n"
    "- **Same statement, many reports**: positions with the same actor, stance, issue and target, at most "
    "3 days apart and in similar words, are one statement carried by several outlets.\n"
    "- **Shifts**: the Shifts page lists where a side's stance on an issue moved, by rules it explains."
)
