import factory

from workprogramme.models import Area, Body, Initiative, InitiativeListing, Output, Programme, Responsibility


class InitiativeFactory(factory.django.DjangoModelFactory):
    """A DIFAP line with one output, a lead body and a listing in DIFAP's first priority area."""

    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    programme = factory.LazyFunction(lambda: Programme.objects.get(code="DIFAP"))
    source = factory.SelfAttribute("programme")
    code = factory.Sequence(lambda n: f"TEST-{n}")
    title = factory.Sequence(lambda n: f"Test initiative number {n}")
    timeline = "2021"
    timeline_kind = "year"
    target_year = 2021

    @factory.post_generation
    def catalogue_rows(self, create, extracted, **kwargs):
        lead = kwargs.get("lead") or Body.objects.get(acronym="TELSOM")
        area = Area.objects.get(code="DIFAP-PA1-S1")
        Responsibility.objects.create(initiative=self, body=lead, role="lead")
        InitiativeListing.objects.create(initiative=self, programme=self.programme, area=area, title=self.title)
        output = Output.objects.create(initiative=self, position=1, title=f"Output of {self.code}", timeline="2021")
        output.bodies.add(lead)
        self.member_states.add(*kwargs.get("member_states", []))
