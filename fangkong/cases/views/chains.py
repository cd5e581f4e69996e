from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.cases.models import INFECTED
from fangkong.cases.selectors.cases import case_list
from fangkong.cases.selectors.chain_view import chain_data
from fangkong.cases.selectors.chains import chain_graph, cluster_of, venue_clusters
from fangkong.cases.views.common import visible_case


@capability_required("cases.view")
def cluster_list_page(request: AuthenticatedRequest) -> HttpResponse:
    graph = chain_graph(viewer=request.user)
    clusters = graph.clusters()
    infected = list(case_list(viewer=request.user).filter(classification__in=INFECTED))
    return render(
        request,
        "cases/cluster_list.html",
        {"clusters": clusters, "venue_clusters": venue_clusters(infected)},
    )


@capability_required("cases.view")
def cluster_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The cluster that holds this case: its source, generations, shared venues, chain."""
    case = visible_case(request, pk)
    cluster = cluster_of(viewer=request.user, case=case)
    if cluster is None:
        raise Http404
    return render(
        request,
        "cases/cluster.html",
        {
            "case": case,
            "cluster": cluster,
            "chain": chain_data(
                cluster, focus=cluster.source, viewer=request.user, with_contacts=False
            ),
        },
    )
