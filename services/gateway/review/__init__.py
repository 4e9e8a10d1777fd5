"""The review page: both models as trees side by side, the proposed correspondences drawn between them,
decisions, retraining and a live preview (server-rendered HTML, plain CSS and JavaScript).

``routes/review.py`` serves it at ``/review/{alignment_id}``; everything the page changes goes through
the gateway's API (``PATCH /alignments/{id}/correspondences/{cid}``, ``POST /alignments/{id}/retrain``,
``POST /alignments/{id}/preview``), so a decision made on the page is the same as one made with curl.
"""

from services.gateway.review.page import asset, render_review
from services.gateway.review.trees import TreeItem, model_tree

__all__ = ["TreeItem", "asset", "model_tree", "render_review"]
