from django.urls import path

from . import views

app_name = "regulations"

urlpatterns = [
    path("", views.checklist_item_list_view, name="index"),
    path("items/new/", views.ChecklistItemCreateView.as_view(), name="item-create"),
    path("items/<int:pk>/", views.checklist_item_detail, name="item-detail"),
    path("items/<int:pk>/revise/", views.ChecklistItemReviseView.as_view(), name="item-revise"),
    path("items/<int:pk>/retire/", views.checklist_item_retire, name="item-retire"),
    path("items/<int:pk>/restore/", views.checklist_item_restore, name="item-restore"),
    path("bases/", views.legal_basis_list_view, name="basis-list"),
    path("bases/new/", views.LegalBasisCreateView.as_view(), name="basis-create"),
    path("bases/<int:pk>/", views.legal_basis_detail, name="basis-detail"),
    path("bases/<int:pk>/edit/", views.LegalBasisEditView.as_view(), name="basis-edit"),
    path("bases/<int:pk>/clauses/new/", views.ClauseCreateView.as_view(), name="clause-create"),
    path("clauses/<int:pk>/edit/", views.ClauseEditView.as_view(), name="clause-edit"),
    path("clause-options/", views.clause_options, name="clause-options"),
    path("risk-factors/", views.risk_factor_list_view, name="risk-factor-list"),
    path("risk-factors/new/", views.RiskFactorCreateView.as_view(), name="risk-factor-create"),
    path("risk-factors/<int:pk>/edit/", views.RiskFactorEditView.as_view(), name="risk-factor-edit"),
]
