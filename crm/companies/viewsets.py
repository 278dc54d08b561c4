"""Partner companies in the CRM menu."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.model import ModelViewSet

from crm.companies.models import PartnerCompany
from crm.exports import PeopleSpreadsheetIndexView

# --- partner companies and interactions -----------------------------------------------------------


class PartnerCompanyFilterSet(WagtailFilterSet):
    class Meta:
        model = PartnerCompany
        fields = ["show_on_site", *PartnerCompany.RELATIONSHIP_FIELDS]


class PartnerCompanyViewSet(ModelViewSet):
    model = PartnerCompany
    icon = "site"
    menu_label = _("Partner companies")
    url_prefix = "crm/companies"
    add_to_admin_menu = False
    filterset_class = PartnerCompanyFilterSet
    search_fields = ["name", "name_kana", "name_en"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_template_name = "crm/interactions/company_inspect.html"
    list_display = [
        "__str__",
        "name_kana",
        "name_en",
        BooleanColumn("show_on_site", label=_("On the site"), sort_key="show_on_site"),
        Column("site_order", label=_("Order"), sort_key="site_order"),
        "is_hiring_partner",
        "is_corporate_donor",
    ]
    index_view_class = PeopleSpreadsheetIndexView
    list_export = [
        "id",
        "name",
        "name_kana",
        "name_en",
        "website",
        *PartnerCompany.RELATIONSHIP_FIELDS,
        "show_on_site",
        "site_order",
    ]
    export_filename = "partner-companies"
    form_fields = [
        "name",
        "name_kana",
        "name_en",
        "website",
        "logo",
        *PartnerCompany.RELATIONSHIP_FIELDS,
        "description",
        "show_on_site",
        "site_order",
    ]
    inspect_view_fields = [
        "name",
        "name_kana",
        "name_en",
        "website",
        "relationship_kinds",
        "show_on_site",
        "site_order",
        "description",
    ]
