/* The "Sung by" picker offers to create the performer it did not find.

   When the admin's autocomplete (select2) answers "No results" for what was typed, a
   last line "Add “term” as a new performer" opens the picker's own "+" pop-up with
   the name filled in (?name=term: the admin pre-fills an add form from the URL), so
   the name is not typed twice. Once saved there, the pop-up closes and the new
   performer is chosen in the picker, as with "+". Enter in the search box does the
   same when nothing else is offered. Loaded by editing.forms.SongInlineForm.Media;
   the label comes translated in the picker's data-create-label. */
"use strict";
{
    const $ = django.jQuery;
    const OFFER = "autocomplete-create";

    function addLinkFor(select) {
        return document.getElementById("add_" + select.id);
    }

    function resultsFor(select) {
        return (
            document.getElementById("select2-" + select.id + "-results") ||
            document.querySelector(".select2-container--open .select2-results__options")
        );
    }

    function typedTerm() {
        const search = document.querySelector(".select2-container--open .select2-search__field");
        return search ? search.value.trim() : "";
    }

    function openAddPopup(select, term) {
        const link = addLinkFor(select);
        const href = new URL(link.href, window.location.href);
        href.searchParams.set("name", term);
        $(select).select2("close");
        // Django's own handler for "+" opens the pop-up from the link's href and
        // names the window after the picker, so the new performer comes back to it.
        const original = link.getAttribute("href");
        link.setAttribute("href", href.toString());
        try {
            link.click();
        } finally {
            link.setAttribute("href", original);
        }
    }

    function offerToCreate(select) {
        const term = typedTerm();
        const results = resultsFor(select);
        if (!term || !results || !addLinkFor(select) || results.querySelector("." + OFFER)) {
            return;
        }
        const item = document.createElement("li");
        item.className = "select2-results__option " + OFFER;
        item.setAttribute("role", "option");
        item.textContent = select.dataset.createLabel.replace("%(term)s", term);
        item.addEventListener("click", (event) => {
            event.preventDefault();
            openAddPopup(select, term);
        });
        results.appendChild(item);
    }

    function watch(select) {
        const instance = $(select).data("select2");
        if (!instance || select.dataset.createWatched) {
            return;
        }
        select.dataset.createWatched = "1";
        instance.on("results:message", (params) => {
            if (params && params.message === "noResults") {
                offerToCreate(select);
            }
        });
    }

    $(document).on("select2:open", "select[data-create-label]", function () {
        watch(this);
    });

    // Enter in the search box takes the offer when it is all there is.
    document.addEventListener(
        "keydown",
        (event) => {
            if (event.key !== "Enter" || !event.target.classList.contains("select2-search__field")) {
                return;
            }
            const offer = document.querySelector(".select2-container--open ." + OFFER);
            if (offer && !document.querySelector(".select2-container--open .select2-results__option--highlighted")) {
                event.preventDefault();
                event.stopPropagation();
                offer.click();
            }
        },
        true,
    );
}
