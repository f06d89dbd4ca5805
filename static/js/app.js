// Page glue shared by every page. Keep it small: each area adds its own module.
document.documentElement.classList.add("js");
