"""Bank transfers in the admin: a batch of gifts typed from a statement, and statements imported.

A batch is checked on the server and shown for confirmation before anything is saved; it posts in
one transaction and only when the gifts add up to the count and total the fundraiser read off the
statement. A statement is matched in the background (the page refreshes itself while it runs), then
reviewed line by line. Both need the permission to add donations: Fundraising has it, Communications
does not.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from crm.banktransfers.forms import GiftBatchForm, StatementUploadForm, donor_label, gift_row_formset
from crm.banktransfers.models import BankStatement, GiftBatch, StatementLine
from crm.banktransfers.parsing import StatementError
from crm.banktransfers.selectors import (
    donors_find,
    recent_batches,
    recent_statements,
    statement_recorded_lines,
)
from crm.banktransfers.services import (
    BatchError,
    BatchRow,
    gift_batch_post,
    statement_post,
    statement_upload,
)
from crm.banktransfers.services.statements import (
    NEW_DONOR,
    SKIP,
    StatementDiscardError,
    statement_decide,
    statement_discard,
)
from crm.donors.models import Donor
from crm.donors.selectors import possible_duplicates
from crm.receipts.models import Receipt
from crm.receipts.services import receipt_delivery

PERMISSION = "crm.add_donation"
REFRESH_SECONDS = 2
MAX_BLANK_ROWS = 200


class BankTransferBase(WagtailAdminTemplateMixin, View):
    header_icon = "tasks"
    page_title = gettext_lazy("Bank transfers")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("bank_transfers:index"), "label": _("Bank transfers")},
        ]


class IndexView(BankTransferBase):
    """Upload a statement, start a batch, and the recent ones of each."""

    template_name = "crm/banktransfers/index.html"

    def get(self, request, form=None):
        return self.render_to_response(
            self.get_context_data(
                form=form or StatementUploadForm(),
                batches=recent_batches(),
                statements=recent_statements(),
            )
        )

    def post(self, request):
        form = StatementUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                statement = statement_upload(upload=form.cleaned_data["file"], user=request.user)
            except StatementError as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("bank_transfers:statement", statement.pk)
        return self.get(request, form=form)


class BatchNewView(BankTransferBase):
    """Type the gifts, check them (nothing saved), confirm, post."""

    template_name = "crm/banktransfers/batch_new.html"
    page_title = gettext_lazy("New batch of transfers")

    def _blank_rows(self) -> int:
        rows = self.request.GET.get("rows", "10")
        return min(int(rows), MAX_BLANK_ROWS) if rows.isdigit() else 10

    def get(self, request):
        formset = gift_row_formset(blank_rows=self._blank_rows())(prefix="gift")
        return self.render_to_response(self.get_context_data(form=GiftBatchForm(), formset=formset))

    def post(self, request):
        form = GiftBatchForm(request.POST)
        formset = gift_row_formset(blank_rows=0)(request.POST, prefix="gift")
        if not (form.is_valid() and formset.is_valid()) or request.POST.get("action") == "edit":
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        filled = [f for f in formset.forms if f.cleaned_data]
        rows = [
            BatchRow(
                donor_id=f.donor.pk if f.donor else None,
                new_donor=f.new_donor,
                received_on=f.cleaned_data["received_on"],
                amount=f.cleaned_data["amount"],
                memo=f.cleaned_data["memo"],
            )
            for f in filled
        ]
        total = sum(row.amount for row in rows)
        header = form.cleaned_data
        adds_up = len(rows) == header["expected_count"] and total == header["expected_total"]
        if request.POST.get("action") == "post" and adds_up:
            try:
                batch = gift_batch_post(
                    name=header["name"],
                    expected_count=header["expected_count"],
                    expected_total=header["expected_total"],
                    rows=rows,
                    user=request.user,
                )
            except BatchError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request, _("%(count)s gifts recorded; receipts issued.") % {"count": len(rows)}
                )
                return redirect("bank_transfers:batch", batch.pk)
        context = self.get_context_data(
            form=form,
            formset=formset,
            confirming=True,
            adds_up=adds_up,
            rows=[_preview_row(f) for f in filled],
            new_donors=len({f.new_donor.key for f in filled if f.new_donor}),
            total=total,
            count=len(rows),
        )
        return self.render_to_response(context)


def _preview_row(form) -> dict:
    """A checked row as the confirmation shows it: the donor found, or the new donor with any donors
    already recorded under the same name, reading or phone (so a fundraiser can pick one of them
    instead of making a duplicate), and how the receipt will go."""
    donor, new, namesakes = form.donor, form.new_donor, []
    if new is not None:
        donor = Donor(
            family_name=new.family_name,
            given_name=new.given_name,
            family_name_kana=new.family_name_kana,
            given_name_kana=new.given_name_kana,
            email=new.email or None,
            phone=new.phone,
        )
        namesakes = possible_duplicates(donor=donor, limit=3)
    delivery = Receipt.Delivery(receipt_delivery(donor)).label
    return {"form": form, "donor": donor, "new": new, "namesakes": namesakes, "receipt": delivery}


class DonorFindView(BankTransferBase):
    """The batch form's suggestions as a fundraiser types a donor (crm/static/crm/banktransfers.js)."""

    def get(self, request):
        donors = donors_find(request.GET.get("q", "")[:100])
        return JsonResponse({"results": [{"value": f"#{d.pk}", "label": donor_label(d)} for d in donors]})


class BatchView(BankTransferBase):
    model = GiftBatch  # the admin crawl opens a row of it
    template_name = "crm/banktransfers/batch.html"

    def get(self, request, pk):
        batch = get_object_or_404(GiftBatch.objects.select_related("posted_by"), pk=pk)
        entries = batch.entries.select_related("donation__donor").prefetch_related("donation__receipts")
        return self.render_to_response(
            self.get_context_data(batch=batch, entries=entries, page_subtitle=batch.name)
        )


class StatementView(BankTransferBase):
    """Progress while matching; then matched / probable / unmatched lines to review and post."""

    model = BankStatement  # the admin crawl opens a row of it
    template_name = "crm/banktransfers/statement.html"

    def get(self, request, pk):
        statement = get_object_or_404(BankStatement, pk=pk)
        lines = list(statement.lines.select_related("donor", "donation"))
        candidate_ids = {pk for line in lines for pk in line.candidates}
        labels = {d.pk: donor_label(d) for d in Donor.objects.filter(pk__in=candidate_ids)}
        for line in lines:
            line.choices = [(pk, labels[pk]) for pk in line.candidates if pk in labels]
        groups = [
            (status, label, [line for line in lines if line.status == status])
            for status, label in StatementLine.Status.choices
        ]
        context = self.get_context_data(
            statement=statement,
            page_subtitle=statement.filename,
            groups=[group for group in groups if group[2]],
            refresh_seconds=REFRESH_SECONDS if statement.stage == BankStatement.Stage.MATCHING else None,
            open_statuses=(
                StatementLine.Status.MATCHED,
                StatementLine.Status.PROBABLE,
                StatementLine.Status.UNMATCHED,
            ),
            skip=SKIP,
            new_donor=NEW_DONOR,
        )
        return self.render_to_response(context)

    def post(self, request, pk):
        """Keep the choices; then, if asked, record the gifts of every matched line."""
        statement = get_object_or_404(BankStatement, pk=pk, stage=BankStatement.Stage.REVIEW)
        decisions, problems = {}, []
        for line in statement.lines.exclude(
            status__in=[StatementLine.Status.ALREADY, StatementLine.Status.POSTED]
        ):
            typed = request.POST.get(f"line-{line.pk}-donor", "").strip()
            choice = request.POST.get(f"line-{line.pk}", "")
            if typed:
                found = donors_find(typed)
                if len(found) != 1:
                    problems.append(
                        _("Line %(line)s (%(remitter)s): %(count)s donors match “%(typed)s”.")
                        % {
                            "line": line.line_number,
                            "remitter": line.remitter,
                            "count": len(found),
                            "typed": typed,
                        }
                    )
                    continue
                choice = str(found[0].pk)
            # A typed donor, or one of the candidates offered: never a number from a forged form.
            if typed or choice in {SKIP, NEW_DONOR} or (choice.isdigit() and int(choice) in line.candidates):
                decisions[line.pk] = choice
        if problems:
            for problem in problems:
                messages.error(request, problem)
            return redirect("bank_transfers:statement", statement.pk)
        statement_decide(statement=statement, decisions=decisions)
        if request.POST.get("action") == "post":
            counts = statement_post(statement=statement, user=request.user)
            messages.success(
                request,
                _("%(posted)s gifts recorded, %(already)s were already recorded.") % counts,
            )
        return redirect("bank_transfers:statement", statement.pk)


class StatementDiscardView(BankTransferBase):
    """Confirm, then throw away a statement under review: what it recorded already stays recorded."""

    model = BankStatement  # the admin crawl opens a row of it
    template_name = "crm/banktransfers/statement_discard.html"
    page_title = gettext_lazy("Discard statement")

    def get(self, request, pk):
        statement = get_object_or_404(BankStatement, pk=pk)
        recorded = statement_recorded_lines(statement).aggregate(count=Count("pk"), total=Sum("amount"))
        waiting = statement.lines.filter(donation__isnull=True).aggregate(
            count=Count("pk"), total=Sum("amount")
        )
        context = self.get_context_data(
            statement=statement, page_subtitle=statement.filename, recorded=recorded, waiting=waiting
        )
        return self.render_to_response(context)

    def post(self, request, pk):
        statement = get_object_or_404(BankStatement, pk=pk)
        try:
            counts = statement_discard(statement=statement, user=request.user)
        except StatementDiscardError as exc:
            messages.error(request, str(exc))
            return redirect("bank_transfers:statement", statement.pk)
        if counts["deleted"]:
            messages.success(
                request,
                _("Statement “%(file)s” discarded: nothing from it had been recorded.")
                % {"file": statement.filename},
            )
            return redirect("bank_transfers:index")
        messages.warning(
            request,
            _(
                "Lines discarded (not recorded): %(discarded)s. Lines already recorded as gifts: %(kept)s; "
                "they stay recorded, with their receipts, and the statement is closed."
            )
            % counts,
        )
        return redirect("bank_transfers:statement", statement.pk)


class BankTransferMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


class BankTransferViewSet(ViewSet):
    """The bank-transfer screens and their menu item, shown to users who may add donations."""

    name = "bank_transfers"
    url_prefix = "crm/bank-transfers"
    icon = "tasks"
    menu_label = gettext_lazy("Bank transfers")
    menu_name = "bank-transfers"
    menu_item_class = BankTransferMenuItem

    def get_urlpatterns(self):
        return [
            path("", IndexView.as_view(), name="index"),
            path("batches/new/", BatchNewView.as_view(), name="batch_new"),
            path("donors/", DonorFindView.as_view(), name="donor_find"),
            path("batches/<int:pk>/", BatchView.as_view(), name="batch"),
            path("statements/<uuid:pk>/", StatementView.as_view(), name="statement"),
            path("statements/<uuid:pk>/discard/", StatementDiscardView.as_view(), name="statement_discard"),
        ]
