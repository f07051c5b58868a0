from django.urls import path

from zakrila.giving.views import donors, figures, register, stock, volunteers

app_name = "giving"

urlpatterns = [
    path("", stock.index, name="index"),
    path("figures/", figures.figures, name="figures"),
    path("figures.xlsx", figures.figures_xlsx, name="figures_xlsx"),
    path("stores/new/", stock.store_new, name="store_new"),
    path("stores/<int:pk>/", stock.store_detail, name="store"),
    path("items/new/", stock.item_new, name="item_new"),
    path("lots/<int:pk>/adjust/", stock.lot_adjust, name="lot_adjust"),
    path("donations/", register.donations, name="donations"),
    path("donations.xlsx", register.donations_xlsx, name="donations_xlsx"),
    path("donations/new/", stock.donation_new, name="donation_new"),
    path("donations/<int:pk>/", stock.donation_detail, name="donation"),
    path("donations/<int:pk>/record.pdf", stock.donation_pdf, name="donation_pdf"),
    path("distributions/new/", stock.distribution_new, name="distribution_new"),
    path("distributions/<int:pk>/", stock.distribution_detail, name="distribution"),
    path("donors/", donors.donors, name="donors"),
    path("donors/new/", donors.donor_new, name="donor_new"),
    path("donors/<int:pk>/", donors.donor_detail, name="donor"),
    path("donors/<int:pk>/edit/", donors.donor_edit, name="donor_edit"),
    path("donors/<int:pk>/money/new/", donors.money_new, name="money_new"),
    path("money/<int:pk>/", donors.money_detail, name="money"),
    path("money/<int:pk>/certificate.pdf", donors.money_pdf, name="money_pdf"),
    path("volunteers/", volunteers.volunteers, name="volunteers"),
    path("volunteers/new/", volunteers.volunteer_new, name="volunteer_new"),
    path("volunteers/<int:pk>/", volunteers.volunteer_detail, name="volunteer"),
    path("volunteers/<int:pk>/edit/", volunteers.volunteer_edit, name="volunteer_edit"),
    path("volunteers/<int:pk>/letter.pdf", volunteers.volunteer_letter, name="volunteer_letter"),
    path("volunteers/<int:pk>/hours.pdf", volunteers.volunteer_hours_pdf, name="volunteer_hours"),
    path("needs/new/", volunteers.need_new, name="need_new"),
    path("needs/<int:pk>/", volunteers.need_detail, name="need"),
    path("assignments/<int:pk>/hours/", volunteers.assignment_hours, name="assignment_hours"),
    path(
        "assignments/<int:pk>/cancel/", volunteers.assignment_cancel_view, name="assignment_cancel"
    ),
]
