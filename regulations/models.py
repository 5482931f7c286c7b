"""The regulation library: legal bases and their clauses, checklist item templates (versioned)
and the risk factors typical of each category of site.

Every write goes through regulations.services; a checklist item's versions are never
edited or deleted once made, so that an inspection that used a version keeps it.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Category

from .lec import (
    CONSEQUENCE_CHOICES,
    CONSEQUENCE_VALUES,
    EXPOSURE_CHOICES,
    EXPOSURE_VALUES,
    LIKELIHOOD_CHOICES,
    LIKELIHOOD_VALUES,
    lec_band,
    lec_score,
)
from .rules import describe_condition, describe_rule


class LegalBasis(models.Model):
    """A law, regulation, ministry order, standard or normative document that checklist items cite."""

    class Kind(models.TextChoices):
        LAW = "law", _("Law")
        ADMINISTRATIVE_REGULATION = "administrative_regulation", _("Administrative regulation")
        MINISTRY_RULE = "ministry_rule", _("Ministry rule or order")
        NATIONAL_STANDARD = "national_standard", _("National standard")
        INDUSTRY_STANDARD = "industry_standard", _("Industry standard")
        LOCAL_REGULATION = "local_regulation", _("Local regulation or rule")
        NORMATIVE_DOCUMENT = "normative_document", _("Normative document")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # How the document is cited: "GB 50140-2005", "公安部令第61号", "中华人民共和国消防法".
    code = models.CharField(_("code"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    edition = models.CharField(_("edition"), max_length=100, blank=True, help_text=_("For example 2021年修正."))
    in_force_from = models.DateField(_("in force from"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        constraints = [
            models.CheckConstraint(condition=~Q(superseded_by=F("pk")), name="legal_basis_not_superseded_by_itself"),
        ]

    def __str__(self) -> str:
        return self.code if self.title in self.code else f"{self.code} {self.title}"

    @property
    def is_superseded(self) -> bool:
        return self.superseded_by_id is not None


class Clause(models.Model):
    """A clause of a legal basis: its number as the document writes it and what it requires, in short."""

    basis = models.ForeignKey(LegalBasis, on_delete=models.PROTECT, related_name="clauses", verbose_name=_("legal basis"))
    number = models.CharField(_("number"), max_length=30, help_text=_("As the document writes it: 6.1.1, 第十六条."))
    text = models.CharField(_("requirement"), max_length=500)
    # Natural order of the numbers ("6.1.2" before "6.1.10"), kept by the services (regulations.numbering).
    sort_key = models.CharField(max_length=100, editable=False, default="")

    class Meta:
        ordering = ["basis__code", "sort_key", "number"]
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        constraints = [models.UniqueConstraint(fields=["basis", "number"], name="clause_number_unique_per_basis")]

    def __str__(self) -> str:
        return f"{self.basis.code} {citation_number(self.number)}"


def citation_number(number: str) -> str:
    """A clause number as a citation writes it: "§6.1.1", but "第十六条" as it is."""
    return number if number.startswith("第") else f"§{number}"


class ChecklistItem(models.Model):
    """The stable identity of a checklist item; what it requires lives in its versions.

    ``current_version`` is the newest version, the one new checklists use. It is empty only
    inside the transaction that creates the item.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    is_active = models.BooleanField(_("in use"), default=True)
    current_version = models.ForeignKey(
        "ChecklistItemVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="current_for",
        verbose_name=_("current version"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.code


class RuleKind(models.TextChoices):
    """How the system judges an answer (regulations.selectors.judge)."""

    YES_NO = "yes_no", _("Yes or no")
    COUNT_MIN = "count_min", _("Count, at least")
    COUNT_MAX = "count_max", _("Count, at most")
    MEASURE_MIN = "measure_min", _("Measurement, at least")
    MEASURE_MAX = "measure_max", _("Measurement, at most")
    CHOICE = "choice", _("Value from a list")


NUMERIC_RULES = [RuleKind.COUNT_MIN.value, RuleKind.COUNT_MAX.value, RuleKind.MEASURE_MIN.value, RuleKind.MEASURE_MAX.value]
COUNT_RULES = [RuleKind.COUNT_MIN.value, RuleKind.COUNT_MAX.value]
MINIMUM_RULES = [RuleKind.COUNT_MIN.value, RuleKind.MEASURE_MIN.value]


class Severity(models.TextChoices):
    """How serious a failure is: major only where a direct criterion of GB 35181 applies."""

    GENERAL = "general", _("General")
    MAJOR = "major", _("Major")


class ChecklistItemVersion(models.Model):
    """One version of a checklist item: the requirement, its basis, the rule and where it applies.

    Never edited or deleted once made: a change is a new version, and an inspection keeps
    the versions it used.
    """

    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="versions", verbose_name=_("item"))
    version = models.PositiveIntegerField(_("version"))
    requirement = models.CharField(_("requirement"), max_length=500, help_text=_("What the grid worker checks, as shown."))
    basis = models.ForeignKey(LegalBasis, on_delete=models.PROTECT, related_name="+", verbose_name=_("legal basis"))
    # Empty: the document is cited as a whole. A clause always belongs to ``basis`` (the services check it).
    clause = models.ForeignKey(
        Clause, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("clause")
    )
    rule_kind = models.CharField(_("rule"), max_length=20, choices=RuleKind.choices)
    threshold = models.DecimalField(_("threshold"), max_digits=12, decimal_places=3, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True, help_text=_("For example 具, m, m², %, 月."))
    # For a yes/no rule: the answer that passes.
    pass_answer = models.BooleanField(_("passing answer"), null=True, blank=True)
    # For a choice rule: [{"value": "磷酸铵盐干粉", "passes": true}, ...].
    choices = models.JSONField(_("choices"), default=list, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    # Empty: every category.
    categories = models.ManyToManyField(Category, blank=True, related_name="+", verbose_name=_("categories"))
    # All must hold: [{"attribute": "storeys", "op": "gte", "value": 10}, {"attribute": "uses_lpg", "op": "is_true"}].
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("made by")
    )
    created_at = models.DateTimeField(_("made at"), default=timezone.now)
    note = models.CharField(_("change note"), max_length=300, blank=True)

    class Meta:
        ordering = ["item__code", "-version"]
        verbose_name = _("checklist item version")
        verbose_name_plural = _("checklist item versions")
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="checklist_version_unique_per_item"),
            models.CheckConstraint(condition=Q(version__gte=1), name="checklist_version_from_one"),
            models.CheckConstraint(
                condition=(Q(rule_kind__in=NUMERIC_RULES) & Q(threshold__isnull=False) & Q(threshold__gte=0))
                | (~Q(rule_kind__in=NUMERIC_RULES) & Q(threshold__isnull=True)),
                name="checklist_version_threshold_for_numeric_rules",
            ),
            models.CheckConstraint(
                condition=(Q(rule_kind=RuleKind.YES_NO.value) & Q(pass_answer__isnull=False))
                | (~Q(rule_kind=RuleKind.YES_NO.value) & Q(pass_answer__isnull=True)),
                name="checklist_version_pass_answer_for_yes_no",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} v{self.version}"

    def save(self, *args, **kwargs):
        # Inspections keep the version they used: a version is made once and never rewritten.
        if not self._state.adding:
            raise ValueError("A checklist item version is never changed; revise the item instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A checklist item version is never deleted.")

    @property
    def citation(self) -> str:
        """ "GB 50140-2005 §6.1.1", or the document alone."""
        if self.clause_id is None:
            return self.basis.code
        return f"{self.basis.code} {citation_number(self.clause.number)}"

    @property
    def is_numeric(self) -> bool:
        return self.rule_kind in NUMERIC_RULES

    @property
    def rule_display(self) -> str:
        return describe_rule(self)

    @property
    def condition_list(self) -> list[str]:
        return [describe_condition(condition) for condition in self.conditions]


class RiskFactorTemplate(models.Model):
    """A risk factor typical of a category of site, with its default L, E, C and usual control measures.

    Risk grading gives each site its category's factors with these defaults (DOMAIN.md).
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=500, blank=True)
    likelihood = models.DecimalField(_("likelihood (L)"), max_digits=4, decimal_places=1, choices=LIKELIHOOD_CHOICES)
    exposure = models.DecimalField(_("exposure (E)"), max_digits=4, decimal_places=1, choices=EXPOSURE_CHOICES)
    consequence = models.DecimalField(_("consequence (C)"), max_digits=4, decimal_places=1, choices=CONSEQUENCE_CHOICES)
    control_measures = models.TextField(_("usual control measures"), blank=True)
    basis = models.ForeignKey(
        LegalBasis, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("legal basis")
    )
    clause = models.ForeignKey(
        Clause, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("clause")
    )
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["category__code", "position", "code"]
        verbose_name = _("risk factor template")
        verbose_name_plural = _("risk factor templates")
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], name="risk_factor_name_unique_per_category"),
            models.CheckConstraint(condition=Q(likelihood__in=LIKELIHOOD_VALUES), name="risk_factor_likelihood_on_scale"),
            models.CheckConstraint(condition=Q(exposure__in=EXPOSURE_VALUES), name="risk_factor_exposure_on_scale"),
            models.CheckConstraint(condition=Q(consequence__in=CONSEQUENCE_VALUES), name="risk_factor_consequence_on_scale"),
            models.CheckConstraint(
                condition=Q(clause__isnull=True) | Q(basis__isnull=False), name="risk_factor_clause_needs_basis"
            ),
        ]
        indexes = [models.Index(fields=["category", "is_active", "position"], name="risk_factor_category_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def score(self) -> Decimal:
        return lec_score(likelihood=self.likelihood, exposure=self.exposure, consequence=self.consequence)

    @property
    def colour(self) -> str:
        return lec_band(score=self.score)


class LibraryChange(models.Model):
    """Who changed what in the library, and when (a checklist item's versions record their own)."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        REVISED = "revised", _("Revised")
        RETIRED = "retired", _("Retired")
        RESTORED = "restored", _("Restored")

    class Entity(models.TextChoices):
        LEGAL_BASIS = "legal_basis", _("Legal basis")
        CLAUSE = "clause", _("Clause")
        CHECKLIST_ITEM = "checklist_item", _("Checklist item")
        RISK_FACTOR = "risk_factor", _("Risk factor")

    entity = models.CharField(_("entity"), max_length=20, choices=Entity.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    label = models.CharField(_("object"), max_length=200)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("changed by")
    )
    at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)
    # {field: [old, new]}
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("library change")
        verbose_name_plural = _("library changes")
        indexes = [models.Index(fields=["entity", "object_id"], name="library_change_object_idx")]

    def __str__(self) -> str:
        return f"{self.get_entity_display()} {self.label} {self.get_action_display()}"
