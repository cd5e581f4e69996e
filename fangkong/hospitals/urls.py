from django.urls import path, re_path

from fangkong.hospitals.views import hospitals, patients, staff, supplies

app_name = "hospitals"

urlpatterns = [
    path("", hospitals.home, name="home"),
    path("overview/", hospitals.overview, name="overview"),
    path("preparedness/", hospitals.preparedness_page, name="preparedness"),
    path("<int:pk>/", hospitals.hospital_detail, name="detail"),
    path("<int:pk>/status/", hospitals.hospital_status, name="status"),
    path("<int:pk>/beds/", hospitals.beds_page, name="beds"),
    path("<int:pk>/wards/new/", hospitals.ward_create_page, name="ward_create"),
    path("<int:pk>/wards/import/", hospitals.ward_import_page, name="ward_import"),
    path("wards/<int:pk>/", hospitals.ward_page, name="ward"),
    path("beds/<int:pk>/service/", hospitals.bed_service, name="bed_service"),
    path("<int:pk>/patients/", patients.patient_list, name="patients"),
    path("<int:pk>/admit/", patients.admit, name="admit"),
    path("admissions/<int:pk>/", patients.admission_detail, name="admission"),
    path("admissions/<int:pk>/classify/", patients.admission_classify, name="classify"),
    path("admissions/<int:pk>/notes/", patients.admission_note, name="note"),
    path("admissions/<int:pk>/tests/", patients.admission_test, name="test"),
    path("admissions/<int:pk>/move/", patients.admission_move, name="move"),
    path("admissions/<int:pk>/transfer/", patients.admission_transfer, name="transfer"),
    path("admissions/<int:pk>/discharge/", patients.admission_discharge_page, name="discharge"),
    path("<int:pk>/monitoring/", patients.monitoring_page, name="monitoring"),
    path("monitoring/<int:pk>/check/", patients.monitoring_check, name="monitoring_check"),
    path("<int:pk>/supplies/", supplies.supplies_page, name="supplies"),
    re_path(
        r"^(?P<pk>\d+)/supplies/(?P<kind>receipt|issue)/$",
        supplies.stock_movement,
        name="stock_movement",
    ),
    path("<int:pk>/safety-stock/", supplies.safety_stock, name="safety_stock"),
    path("<int:pk>/staff/", staff.staff_page, name="staff"),
    path("<int:pk>/staff/new/", staff.staff_add_page, name="staff_add"),
    path("staff/<int:pk>/test/", staff.staff_test, name="staff_test"),
    path("<int:pk>/training/", staff.training_add, name="training_add"),
    path("<int:pk>/incidents/new/", staff.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", staff.incident_page, name="incident"),
]
